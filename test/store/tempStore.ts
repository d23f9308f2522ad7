/** Fresh stores in temporary folders for the store tests, closed and removed after each test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';

/** Registers the clean-up and returns `fresh(file)`: a new store at `file` inside a new temporary folder. */
export function tempStores(prefix: string): (file?: string) => Promise<{ store: Store; url: string }> {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return async (file = 'test.db') => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    const url = `file:${join(dir, file)}`;
    const store = await openStore({ url });
    stores.push(store);
    return { store, url };
  };
}

/** The fields of a chat picture's prediction every store test shares. */
export const CHAT_PICTURE = {
  userId: '111111111111111111',
  requestedBy: '111111111111111111',
  guildId: '222222222222222222',
  channelId: '333333333333333333',
  attachmentIndex: 0,
  source: 'chat' as const,
  modelName: 'test-model',
};
