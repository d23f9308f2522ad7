/**
 * The real bot as an operating-system process against the emulator, the way a supervisor runs
 * it (`npm start`) or the way the load and demo scripts do (`node --import tsx src/main.ts`):
 * its log lines are captured, its process tree can be listed by pid/ppid, and it can be
 * signalled. Used by the process tests, `npm run bench-bot` and `npm run demo`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DiscordEmulator } from './emulator/index.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface BotProcessOptions {
  emu: DiscordEmulator;
  /** database URL (file:…) and models folder of this run */
  databaseUrl: string;
  modelsDir: string;
  /** extra or overriding environment variables */
  env?: Record<string, string>;
  /** 'npm': `npm start` (the supervisor's way); 'node': node --import tsx src/main.ts (the pid is the bot's) */
  via?: 'npm' | 'node';
  /** also copy the bot's stdout/stderr to ours */
  echo?: boolean;
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** every stdout line so far (JSON log lines unless LOG_FORMAT=pretty) */
  readonly lines: string[];
  readonly stderr: string[];
  /** resolves with the exit code (or the signal's name) */
  readonly exited: Promise<number | string>;
  /** resolves once a stdout line matches */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** until the bot has registered its commands with the emulator (it is then fully up) */
  ready(timeoutMs?: number): Promise<void>;
}

export function startBotProcess(o: BotProcessOptions): BotProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    npm_config_update_notifier: 'false',
    DISCORD_TOKEN: o.emu.token,
    DISCORD_API_URL: o.emu.apiUrl,
    DISCORD_GUILD_ID: o.emu.guildId,
    WATCH_CHANNEL_IDS: o.emu.channels.watched.id,
    DATABASE_URL: o.databaseUrl,
    MODELS_DIR: o.modelsDir,
    RETRAIN_CRON: 'off',
    LOG_LEVEL: 'info',
    ...o.env,
  };
  const child =
    o.via === 'npm'
      ? spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (l: string) => void }>();
  const split = (sink: string[], onLine?: (l: string) => void) => {
    let rest = '';
    return (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) {
        sink.push(l);
        onLine?.(l);
      }
    };
  };
  child.stdout!.on(
    'data',
    split(lines, (l) => {
      if (o.echo) process.stdout.write(l + '\n');
      for (const w of waiters) {
        if (!w.pattern.test(l)) continue;
        waiters.delete(w);
        w.resolve(l);
      }
    }),
  );
  child.stderr!.on(
    'data',
    split(stderr, (l) => {
      if (o.echo) process.stderr.write(l + '\n');
    }),
  );
  const exited = new Promise<number | string>((r) => child.on('exit', (code, signal) => r(code ?? signal ?? 'unknown')));
  const waitForLine = (pattern: RegExp, timeoutMs = 60_000) => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolveLine, reject) => {
      const w = { pattern, resolve: (l: string) => (clearTimeout(timer), resolveLine(l)) };
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`the bot did not log ${pattern} within ${timeoutMs} ms; stderr: ${stderr.join('\n').slice(-2000)}`));
      }, timeoutMs);
      waiters.add(w);
      void exited.then((code) => {
        if (!waiters.has(w)) return;
        waiters.delete(w);
        clearTimeout(timer);
        reject(new Error(`the bot exited (${code}) before logging ${pattern}; stderr: ${stderr.join('\n').slice(-2000)}`));
      });
    });
  };
  return {
    child,
    pid: child.pid!,
    lines,
    stderr,
    exited,
    waitForLine,
    ready: async (timeoutMs = 60_000) => {
      await waitForLine(/commands registered|registering commands failed/, timeoutMs);
    },
  };
}

/** The live descendants of `pid` (children, grandchildren, …), from /proc (Linux). */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so read after the last ')'
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(e), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const p = frontier.pop()!;
    for (const [child, parent] of parentOf) {
      if (parent === p && !out.includes(child)) {
        out.push(child);
        frontier.push(child);
      }
    }
  }
  return out;
}

/** Whether a process with this pid still exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
