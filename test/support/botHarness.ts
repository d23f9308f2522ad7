/**
 * Starts the real bot (real discord.js client, real SQLite store) against the emulator, with an
 * injectable reader and classifier. Used by the end-to-end tests and the load script.
 */
import type { APIEmbed } from 'discord.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger, silentLogger, type Logger } from '../../src/log.ts';
import { createBot, type Bot } from '../../src/bot/client.ts';
import type { LookForLabelFn } from '../../src/bot/guidedLook.ts';
import type { ReadDigitsFn } from '../../src/bot/context.ts';
import { ModelHolder, type ActiveModel } from '../../src/bot/modelHolder.ts';
import type { StatsChartRenderer } from '../../src/bot/charts.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { ImageRejectedError, type DigitReading, type Reading } from '../../src/vision/types.ts';
import type { DigitClassifier } from '../../src/model/classifier.ts';
import type { Retrainer } from '../../src/retrain/job.ts';
import { DiscordEmulator, type EmulatorOptions } from './emulator/index.ts';

/** A classifier that always answers uniform probabilities (the fake reader ignores it). */
export const fakeClassifier: DigitClassifier = {
  name: 'fake-model',
  predictProbs: (_images, n) => new Float32Array(n * 10).fill(0.1),
};

export const fakeModel: ActiveModel = {
  classifier: fakeClassifier,
  info: { name: 'fake-model', arch: 'fake (test double)', createdAt: '2026-01-01T00:00:00.000Z', testAccuracy: 0.9912, parent: null },
};

function digitReading(digit: number, confidence: number): DigitReading {
  const rest = (1 - confidence) / 2;
  return {
    digit,
    confidence,
    top3: [
      { digit, p: confidence },
      { digit: (digit + 1) % 10, p: rest },
      { digit: (digit + 7) % 10, p: rest },
    ],
    image: new Float32Array(784).fill(digit / 10),
    box: { x: 0, y: 0, width: 28, height: 28 },
  };
}

/**
 * `marks:4,~1@0.97,2@0.9`: the marks of a picture, left to right, as an 11-class model sees
 * them: `4` a digit read (p 0.95, p(none) 0.01), `2@0.9` one read at 0.9, `~1@0.97` a mark dropped
 * as not a digit (p(none) 0.97, its best digit 1). Mark k's crop is filled with (k + 1) / 64, so a
 * test can tell which crop a label landed on. No digit read: "no digit found", the marks kept.
 */
function fakeMarks(spec: string): Reading {
  const marks = spec.split(',').map((e, k): DigitReading & { read: boolean } => {
    const m = /^(~?)(\d)(?:@([\d.]+))?$/.exec(e.trim());
    if (!m) throw new ImageRejectedError(`bad fake mark ${e}`, 'corrupt');
    const dropped = m[1] === '~';
    const p = m[3] ? Number(m[3]) : dropped ? 0.97 : 0.95;
    const confidence = dropped ? (1 - p) * 0.9 : p;
    const pNone = dropped ? p : 0.01;
    const d = Number(m[2]);
    const rest = Math.max(0, 1 - confidence - pNone) / 2;
    return {
      digit: d, confidence, notDigit: pNone, read: !dropped,
      top3: [{ digit: d, p: confidence }, { digit: (d + 1) % 10, p: rest }, { digit: (d + 7) % 10, p: rest }],
      image: new Float32Array(784).fill((k + 1) / 64),
      box: { x: k * 30, y: 0, width: 28, height: 28 },
    };
  });
  const all = marks.map(({ read: _read, ...r }) => r);
  const read = all.filter((_, k) => marks[k]!.read);
  if (read.length === 0) return { digits: '', confidence: 0, perDigit: [], noDigit: true, reason: `no digit found: none of the ${all.length} marks I see is a digit`, candidates: all, marks: all };
  return { digits: read.map((r) => String(r.digit)).join(''), confidence: read.reduce((a, r) => a * r.confidence, 1), perDigit: read, noDigit: false, marks: all };
}

/**
 * A reader for tests: the "picture" is text. `digits:42@0.9` reads 42 at confidence 0.9,
 * `marks:…` (above) reads marks one by one, `blank` finds no digit, `corrupt` is refused as the
 * real pipeline would, anything else too.
 */
export const fakeReadDigits: ReadDigitsFn = async (bytes) => {
  const s = bytes.toString('utf8');
  if (s.startsWith('marks:')) return fakeMarks(s.slice('marks:'.length));
  const m = /^digits:(\d+)(?:@([\d.]+))?$/.exec(s);
  if (m) {
    const conf = m[2] ? Number(m[2]) : 0.95;
    const perDigit = [...m[1]!].map((d) => digitReading(Number(d), conf));
    return { digits: m[1]!, confidence: perDigit.reduce((a, d) => a * d.confidence, 1), perDigit, noDigit: false } satisfies Reading;
  }
  if (s === 'blank') return { digits: '', confidence: 0, perDigit: [], noDigit: true, reason: 'blank image' };
  throw new ImageRejectedError('This file is not an image I can decode.', 'corrupt');
};

export interface Harness {
  emu: DiscordEmulator;
  bot: Bot;
  store: Store;
  config: Config;
  models: ModelHolder;
  dbUrl: string;
  /** stops the bot (and, unless keepEmulator, the emulator), closes the store; removes the temp dir unless keepDb */
  close(opts?: { keepDb?: boolean; keepEmulator?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  emu?: DiscordEmulator;
  emulator?: EmulatorOptions;
  env?: Record<string, string>;
  readDigits?: ReadDigitsFn;
  /** a correction's label-guided look (absent: labels land on the answer's marks) */
  lookForLabel?: LookForLabelFn;
  model?: ActiveModel;
  dbUrl?: string;
  log?: Logger;
  renderCharts?: StatsChartRenderer;
  /** the bot's /retrain runner, built once the store and the model holder exist */
  retrainer?: (store: Store, models: ModelHolder) => Retrainer;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const emu = o.emu ?? (await DiscordEmulator.start(o.emulator));
  let dir: string | null = null;
  let dbUrl = o.dbUrl;
  if (!dbUrl) {
    dir = mkdtempSync(join(tmpdir(), 'digit-bot-e2e-'));
    dbUrl = `file:${join(dir, 'bot.db')}`;
  }
  const config = loadConfig({
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.apiUrl,
    DISCORD_GUILD_ID: emu.guildId,
    WATCH_CHANNEL_IDS: emu.channels.watched.id,
    DATABASE_URL: dbUrl,
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...o.env,
  });
  const store = await openStore({ url: config.databaseUrl });
  const models = new ModelHolder(o.model ?? fakeModel);
  const log = o.log ?? (process.env.BOT_TEST_LOG ? createLogger('debug') : silentLogger);
  const retrainer = o.retrainer?.(store, models);
  const bot = createBot({ config, log, store, models, readDigits: o.readDigits ?? fakeReadDigits, lookForLabel: o.lookForLabel, renderCharts: o.renderCharts, retrainer });
  await bot.start();
  return {
    emu, bot, store, config, models, dbUrl,
    async close(c = {}) {
      await bot.stop();
      store.close();
      if (!c.keepEmulator) await emu.stop();
      if (dir && !c.keepDb) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function png(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** Retries an async assertion until it passes (the bot finishes bookkeeping after replying). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The first embed of a REST call's message body (a reply, an edit, or an interaction callback's data). */
export function firstEmbed(c: { body: unknown }): APIEmbed {
  const b = c.body as { embeds?: APIEmbed[]; data?: { embeds?: APIEmbed[] } } | null;
  const e = b?.embeds?.[0] ?? b?.data?.embeds?.[0];
  if (!e) throw new Error(`no embed in ${JSON.stringify(c.body).slice(0, 200)}`);
  return e;
}
