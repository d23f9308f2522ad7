/**
 * npm run bench-bot [-- --messages 500 --users 50]
 *
 * Load figure for the bot: starts the Discord emulator (127.0.0.1), runs the real bot
 * (src/main.ts, a child process: real config, store, active model, image pipeline) against it,
 * sends N image messages (MNIST test digits as PNG photos) as fast as the bot takes them, and
 * (or at --rate per second) reports answered / lost, reply-time percentiles, the digits read right, the bot's memory
 * (RSS) before and after, and the graceful-shutdown time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { APIEmbed } from 'discord.js';
import { loadMnistSplit } from '../src/data/mnist.ts';
import { DiscordEmulator, type ApiAttachment } from '../test/support/emulator/index.ts';
import { mnistToPng } from '../test/support/digitImages.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '500' },
    users: { type: 'string', default: '50' },
    'models-dir': { type: 'string', default: 'models' },
    timeout: { type: 'string', default: '180' },
    rate: { type: 'string', default: '0' },
  },
});
const N = Number(values.messages);
const USERS = Number(values.users);
/** messages per second; 0 = as fast as the bot takes them */
const RATE = Number(values.rate);
const root = resolve(import.meta.dirname, '..');

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const emu = await DiscordEmulator.start({ heartbeatIntervalMs: 5000 });
const dir = mkdtempSync(join(tmpdir(), 'digit-bot-bench-'));
const test = await loadMnistSplit('test');
console.log(`preparing ${N} pictures…`);
const pictures: { att: ApiAttachment; label: number }[] = [];
for (let i = 0; i < N; i++) {
  const k = i % test.n;
  pictures.push({ att: emu.attachment(await mnistToPng(test.images, k), `digit-${i}.png`, 'image/png'), label: test.labels[k]! });
}

// node itself (not the tsx wrapper) so that the pid measured is the bot's
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
  cwd: root,
  env: {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.apiUrl,
    DISCORD_GUILD_ID: emu.guildId,
    WATCH_CHANNEL_IDS: emu.channels.watched.id,
    DATABASE_URL: `file:${join(dir, 'bench.db')}`,
    MODELS_DIR: resolve(root, values['models-dir']),
    COOLDOWN_SECONDS: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

const readyBy = Date.now() + 60_000;
while (emu.registeredCommands.length === 0) {
  if (Date.now() > readyBy || child.exitCode !== null) throw new Error('the bot did not become ready');
  await sleep(50);
}
await sleep(1000);
const rssBefore = rssMb(child.pid!);

const users = Array.from({ length: USERS }, (_, i) => emu.user(`user${i}`));
const sentAt = new Map<string, number>();
const latency: number[] = [];
const answers = new Map<string, string | undefined>();
const byId = new Map<string, number>();
emu.on('rest', (c) => {
  const ref = (c.body as { message_reference?: { message_id?: string } } | null)?.message_reference?.message_id;
  if (c.method !== 'POST' || !ref || !sentAt.has(ref) || answers.has(ref)) return;
  answers.set(ref, (c.body as { embeds?: APIEmbed[] }).embeds?.[0]?.title);
  latency.push(c.at - sentAt.get(ref)!);
});

const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const m = emu.postMessage({ author: users[i % USERS]!, channelId: emu.channels.watched.id, attachments: [pictures[i]!.att] });
  sentAt.set(m.id, performance.now());
  byId.set(m.id, i);
  if (RATE > 0) {
    const due = t0 + ((i + 1) * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
  } else if (i % 50 === 49) await sleep(0); // let the socket flush
}
const deadline = Date.now() + Number(values.timeout) * 1000;
while (answers.size < N && Date.now() < deadline) await sleep(100);
const wall = (performance.now() - t0) / 1000;
await sleep(2000);
const rssAfter = rssMb(child.pid!);

let right = 0;
let noDigit = 0;
for (const [id, title] of answers) {
  const label = pictures[byId.get(id)!]!.label;
  if (title === `I read: ${label}`) right++;
  if (title === 'No digit found') noDigit++;
}
const failedRest = emu.calls.filter((c) => c.status >= 400).length;

const stopAt = performance.now();
child.kill('SIGTERM');
const code = await exited;
const shutdownMs = performance.now() - stopAt;

const result = {
  messages: N,
  users: USERS,
  rate: RATE > 0 ? `${RATE}/s` : 'as fast as possible',
  answered: answers.size,
  lost: N - answers.size,
  readRight: right,
  noDigit,
  wallSeconds: Number(wall.toFixed(2)),
  throughputPerSecond: Number((answers.size / wall).toFixed(1)),
  replyMs: { p50: Math.round(pct(latency, 50)), p95: Math.round(pct(latency, 95)), max: Math.round(Math.max(...latency)) },
  rssMb: { before: Number(rssBefore.toFixed(1)), after: Number(rssAfter.toFixed(1)) },
  failedRestCalls: failedRest,
  shutdown: { exitCode: code, ms: Math.round(shutdownMs) },
};
console.log(JSON.stringify(result, null, 2));
await emu.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(result.lost === 0 ? 0 : 1);
