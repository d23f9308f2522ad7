/**
 * "Never two at once", across processes (the bot and `npm run retrain`): a lock file created
 * exclusively in the models folder, holding the owner's pid. A lock whose process is gone is stale
 * and taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = '.retrain.lock';

export interface LockHolder {
  pid: number;
  startedAt: string;
  what: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockHolder(modelsDir: string): Promise<LockHolder | null> {
  try {
    const h = JSON.parse(await readFile(join(modelsDir, LOCK_FILE), 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && alive(h.pid) ? h : null;
  } catch {
    return null;
  }
}

/** Takes the lock; returns its release function, or the live holder when someone has it. */
export async function acquireLock(modelsDir: string, what: string): Promise<{ release: () => Promise<void> } | { heldBy: LockHolder }> {
  const path = join(modelsDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), what } satisfies LockHolder));
      await fh.close();
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await lockHolder(modelsDir);
      if (holder) return { heldBy: holder };
      await rm(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`cannot take the retrain lock ${path}`);
}
