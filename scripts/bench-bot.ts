/**
 * npm run bench-bot [-- --messages 500 --users 50]
 *
 * Load figure for the bot: starts the Discord emulator (127.0.0.1), runs the real bot
 * (src/main.ts, a child process: real config, store, active model, image pipeline) against it,
 * sends N image messages (MNIST test digits as PNG photos) as fast as the bot takes them, and
 * (or at --rate per second) reports answered / lost, reply-time percentiles, the digits read right, the bot's memory
 * (RSS) before and after, and the graceful-shutdown time.
 *
 * --retrain N: first stores N trusted user samples (slanted MNIST digits, a style MNIST lacks;
 * a fifth held back), copies the active model into a scratch models folder, starts /retrain as
 * a server manager, waits until the child process trains, and then posts the pictures (at --rate)
 * until the retrain is over: the reply times are those during a retrain. Also prints how long
 * the retrain took and its outcome (held-back accuracy before → after).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { loadMnistSplit } from '../src/data/mnist.ts';
import { ALL_BASIC, DiscordEmulator, type ApiAttachment } from '../test/support/emulator/index.ts';
import { mnistToPng } from '../test/support/digitImages.ts';
import { addSamples, answeredBy, slanted } from '../test/retrain/helpers.ts';
import { ACTIVE_FILE, activeModelName } from '../src/model/registry.ts';
import { openStore } from '../src/store/index.ts';
import { startBotProcess } from '../test/support/botProcess.ts';
import { num, parseCli } from '../src/cli/args.ts';

const USAGE = `npm run bench-bot -- [--messages N] [--users U] [--rate R] [--retrain S] [--models-dir DIR] [--timeout SECONDS]

Load test of the real bot process (src/main.ts) against the Discord emulator on 127.0.0.1:
posts N image messages (MNIST test digits as PNG photos) into a watched channel and prints
answered / lost, reply-time percentiles, digits read right, the bot's memory and its shutdown.
  --messages N       pictures to post (default 500)
  --users U          distinct posters (default 50)
  --rate R           pictures per second; 0 = as fast as the bot takes them (default 0)
  --retrain S        first store S trusted user samples and run /retrain, posting during it (default 0: no retrain)
  --models-dir DIR   models folder whose active model the bot serves (default models)
  --timeout SECONDS  how long to wait for the answers (default 180)
  --read-workers N   the bot reads pictures in N worker threads (READ_WORKERS; default 1; 0: in the main thread)`;
const { values } = parseCli(USAGE, {
  messages: { type: 'string', default: '500' },
  users: { type: 'string', default: '50' },
  'models-dir': { type: 'string', default: 'models' },
  timeout: { type: 'string', default: '180' },
  rate: { type: 'string', default: '0' },
  retrain: { type: 'string', default: '0' },
  'read-workers': { type: 'string', default: '1' },
});
const whole = (n: number) => Number.isInteger(n) && n >= 0;
/** user samples stored before a /retrain started during the run; 0 = no retrain */
const RETRAIN_SAMPLES = num(values.retrain, 'retrain', 0, whole);
const N = num(values.messages, 'messages', 500, (n) => whole(n) && n > 0);
const USERS = num(values.users, 'users', 50, (n) => whole(n) && n > 0);
/** messages per second; 0 = as fast as the bot takes them */
const RATE = num(values.rate, 'rate', 0, (n) => Number.isFinite(n) && n >= 0);
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

let modelsDir = resolve(root, values['models-dir']);
if (RETRAIN_SAMPLES > 0) {
  // never touch the real models folder: the retrain writes and promotes a candidate
  const active = await activeModelName(modelsDir);
  const scratch = join(dir, 'models');
  mkdirSync(scratch);
  cpSync(join(modelsDir, active), join(scratch, active), { recursive: true });
  cpSync(join(modelsDir, ACTIVE_FILE), join(scratch, ACTIVE_FILE));
  modelsDir = scratch;
  const train = await loadMnistSplit('train-full');
  const store = await openStore({ url: `file:${join(dir, 'bench.db')}` });
  // labelled by 20 users; what the active model answers on each (the gate splits corrected from confirmed)
  await addSamples(
    store,
    await answeredBy(
      scratch,
      Array.from({ length: RETRAIN_SAMPLES }, (_, k) => ({ image: slanted(train, 40_000 + k), label: train.labels[40_000 + k]!, split: k % 5 === 0 ? 'holdout' : 'train', user: `u${k % 20}` })),
    ),
  );
  store.close();
  console.log(`stored ${RETRAIN_SAMPLES} user samples; retraining ${active} in ${scratch}`);
}

// node itself (not npm) so that the pid measured is the bot's
const bot = startBotProcess({
  emu,
  via: 'node',
  databaseUrl: `file:${join(dir, 'bench.db')}`,
  modelsDir,
  env: { COOLDOWN_SECONDS: '0', LOG_LEVEL: 'warn', READ_WORKERS: String(num(values['read-workers'], 'read-workers', 1, whole)) },
  echo: true,
});
const { child, exited } = bot;

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

let retrain: { started: number; training: number; finished: number; title?: string; fields?: APIEmbed['fields']; description?: string } | null = null;
if (RETRAIN_SAMPLES > 0) {
  const MANAGE_GUILD = 1n << 5n;
  const admin = emu.user('admin');
  const started = performance.now();
  const i = emu.slashCommand({ user: admin, name: 'retrain', permissions: ALL_BASIC | MANAGE_GUILD });
  const token = String(i.token);
  const titleOf = (c: { body: unknown }) => (c.body as { embeds?: APIEmbed[] } | null)?.embeds?.[0];
  retrain = { started, training: 0, finished: 0 };
  const r = retrain;
  emu.on('rest', (c) => {
    if (c.method !== 'PATCH' || !c.path.includes(token)) return;
    const e = titleOf(c);
    if (!r.training && /Epoch/.test(e?.description ?? '')) r.training = c.at;
    if (/promoted|rejected|failed/.test(e?.title ?? '')) Object.assign(r, { finished: c.at, title: e?.title, fields: e?.fields, description: e?.description });
  });
  while (!r.training && !r.finished) await sleep(50);
  if (r.training) console.log(`the retrain is training after ${((r.training - started) / 1000).toFixed(1)} s; posting pictures until it ends`);
  else console.log('the retrain ended before its first progress report (too quick to measure during it)');
}

const t0 = performance.now();
for (let i = 0; i < N && !retrain?.finished; i++) {
  const m = emu.postMessage({ author: users[i % USERS]!, channelId: emu.channels.watched.id, attachments: [pictures[i]!.att] });
  sentAt.set(m.id, performance.now());
  byId.set(m.id, i);
  if (RATE > 0) {
    const due = t0 + ((i + 1) * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
  } else if (i % 50 === 49) await sleep(0); // let the socket flush
}
const deadline = Date.now() + num(values.timeout, 'timeout', 180, (n) => n > 0) * 1000;
while (answers.size < sentAt.size && Date.now() < deadline) await sleep(100);
while (retrain && !retrain.finished && Date.now() < deadline + 1_800_000) await sleep(500);
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

const sent = sentAt.size;
const result = {
  ...(retrain
    ? {
        retrain: {
          userSamples: RETRAIN_SAMPLES,
          seconds: Number(((retrain.finished - retrain.started) / 1000).toFixed(1)),
          outcome: retrain.title,
          reason: retrain.description,
          figures: Object.fromEntries((retrain.fields ?? []).map((f) => [f.name, f.value])),
        },
      }
    : {}),
  messages: sent,
  users: USERS,
  rate: RATE > 0 ? `${RATE}/s` : 'as fast as possible',
  answered: answers.size,
  lost: sent - answers.size,
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
