/**
 * Configuration: environment (and a .env file, loaded by main) → one frozen, typed Config.
 * Every problem is reported as one readable line (ConfigError), never a stack trace.
 */
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';

const snowflake = z.string().regex(/^\d{15,22}$/, 'must be a Discord id (15-22 digits)');

const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

/** A number from the environment within [min, max]; empty or unset gives the fallback. */
const numberIn = (fallback: number, min: number, max: number, integer: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!(integer ? Number.isInteger(n) : Number.isFinite(n)) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
const int = (fallback: number, min: number, max: number) => numberIn(fallback, min, max, true);
const num = (fallback: number, min: number, max: number) => numberIn(fallback, min, max, false);

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const envSchema = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'is missing: set it in the environment or in .env (see .env.example)' })
    .trim()
    .min(1, 'is empty: set it in the environment or in .env (see .env.example)'),
  DISCORD_CLIENT_ID: optionalString.pipe(snowflake.optional()),
  DISCORD_GUILD_ID: optionalString.pipe(snowflake.optional()),
  DISCORD_API_URL: optionalString.pipe(
    z
      .url({ error: 'must be a URL, e.g. http://127.0.0.1:8080/api' })
      .refine((v) => !/\/v\d+\/?$/.test(v), { error: 'must not end in the API version (/v10): discord.js adds it; write e.g. http://127.0.0.1:8080/api' })
      .optional(),
  ),
  WATCH_CHANNEL_IDS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(snowflake)),
  DATABASE_URL: optionalString
    .transform((v) => v ?? 'file:data/digit-bot.db')
    .refine((v) => /^[a-z][a-z0-9+.-]+:/i.test(v), {
      error: 'must be a URL: a local SQLite file is written with the file: prefix, e.g. file:data/digit-bot.db (or libsql://… for a server)',
    }),
  DATABASE_AUTH_TOKEN: optionalString,
  MODELS_DIR: optionalString.transform((v) => v ?? 'models'),
  REGISTER_COMMANDS: bool(true),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
    .optional()
    .transform((v) => v ?? 'info'),
  LOG_FORMAT: z
    .enum(['json', 'pretty'], { error: 'must be json (one JSON object per line) or pretty (readable lines)' })
    .optional()
    .transform((v) => v ?? 'json'),
  COOLDOWN_SECONDS: int(10, 0, 3600),
  COOLDOWN_MAX_REQUESTS: int(5, 1, 1000),
  MAX_IMAGES_PER_MESSAGE: int(4, 1, 10),
  MAX_IMAGE_BYTES: int(8 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  MAX_IMAGE_PIXELS: int(40_000_000, 10_000, 500_000_000),
  MAX_CONCURRENT_READS: int(2, 1, 64),
  READ_WORKERS: int(1, 0, 16),
  LOW_CONFIDENCE: num(0.6, 0, 1),
  DOWNLOAD_TIMEOUT_MS: int(10_000, 100, 120_000),
  SHUTDOWN_TIMEOUT_MS: int(5_000, 0, 60_000),
  CATCH_UP_MINUTES: int(15, 0, 1440),
  CATCH_UP_MESSAGES: int(200, 1, 1000),
  LABEL_HOLD_CONFIDENCE: num(0.99, 0.5, 1),
  LABEL_FLOOD_PER_HOUR: int(60, 0, 1_000_000),
  RETRAIN_CRON: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return '30 3 * * *';
      if (['off', 'false', 'none'].includes(v.toLowerCase())) return null;
      if (!validateCron(v)) {
        ctx.addIssue({ code: 'custom', message: 'must be a cron expression like "30 3 * * *" (or off)' });
        return z.NEVER;
      }
      return v;
    }),
  RETRAIN_MIN_SAMPLES: int(100, 1, 1_000_000),
  RETRAIN_MODE: z
    .enum(['finetune', 'full'], { error: 'must be finetune or full' })
    .optional()
    .transform((v) => v ?? 'finetune'),
  RETRAIN_EPOCHS: int(4, 1, 200),
  RETRAIN_REPLAY: int(50_000, 0, 50_000),
  RETRAIN_THREADS: int(1, 1, 64),
  RETRAIN_NICE: int(10, 0, 19),
  RETRAIN_KEEP_MODELS: int(5, 1, 100),
  RETRAIN_MNIST_GATE: int(8_000, 100, 8_000),
  RETRAIN_CROSS_FIT: int(2, 0, 5),
  MODEL_WATCH_MS: int(5_000, 0, 3_600_000),
});

export interface Config {
  readonly discordToken: string;
  readonly discordClientId: string | undefined;
  readonly discordGuildId: string | undefined;
  /** REST base for discord.js `rest.api`; only passed when set */
  readonly discordApiUrl: string | undefined;
  readonly watchChannelIds: readonly string[];
  readonly databaseUrl: string;
  readonly databaseAuthToken: string | undefined;
  readonly modelsDir: string;
  readonly registerCommands: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** json: one object per line (for log collectors); pretty: readable lines (pino-pretty) */
  readonly logFormat: 'json' | 'pretty';
  readonly cooldown: { readonly windowMs: number; readonly maxRequests: number };
  readonly limits: {
    readonly imagesPerMessage: number;
    readonly imageBytes: number;
    readonly imagePixels: number;
    readonly concurrentReads: number;
    /** worker threads that decode and read pictures (vision/readPool.ts); 0 = the main thread */
    readonly readWorkers: number;
    readonly downloadTimeoutMs: number;
  };
  /** answers below this overall confidence are flagged as unsure */
  readonly lowConfidence: number;
  readonly shutdownTimeoutMs: number;
  /**
   * After a start, pictures of the last `windowMs` that never got an answer (the bot was down or
   * died between reading and replying) are answered: at most `maxMessages` read back per channel.
   * windowMs 0: off.
   */
  readonly catchUp: { readonly windowMs: number; readonly maxMessages: number };
  readonly retrain: RetrainConfig;
  readonly labels: LabelsConfig;
}

/** When a label is stored but held (untrusted) until a second person agrees (bot/holds.ts). */
export interface LabelsConfig {
  /** the active model reads a labelled mark as another class with at least this probability */
  readonly holdConfidence: number;
  /** the labeller gave this many labels in the last hour already (0: no limit) */
  readonly floodPerHour: number;
}

export interface RetrainConfig {
  /** node-cron expression of the scheduled run, or null when scheduling is off */
  readonly cron: string | null;
  /** a scheduled run starts only when at least this many new trusted training samples arrived */
  readonly minSamples: number;
  /** fine-tune the active model, or train the same architecture from scratch */
  readonly mode: 'finetune' | 'full';
  readonly epochs: number;
  /** MNIST training images replayed beside the users' samples (full: at least all 50,000) */
  readonly replay: number;
  readonly threads: number;
  /** niceness of the training child process (0-19, higher is lower priority) */
  readonly nice: number;
  /** retrained models kept on disk besides the active one and the rollback targets */
  readonly keepModels: number;
  /** MNIST validation images the gate measures both models on (8,000: all those the best epoch is not picked on; never test images) */
  readonly mnistGate: number;
  /** folds of the cross-fitting runs (0: off; the gate then measures the held-back samples only) */
  readonly crossFitFolds: number;
  /** how often the bot checks models/active.json for a model promoted elsewhere (0: never) */
  readonly watchMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validate an environment into a frozen Config; throws ConfigError with one line per problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const config: Config = {
    discordToken: e.DISCORD_TOKEN,
    discordClientId: e.DISCORD_CLIENT_ID,
    discordGuildId: e.DISCORD_GUILD_ID,
    discordApiUrl: e.DISCORD_API_URL,
    watchChannelIds: Object.freeze([...e.WATCH_CHANNEL_IDS]),
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    modelsDir: e.MODELS_DIR,
    registerCommands: e.REGISTER_COMMANDS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    cooldown: Object.freeze({ windowMs: e.COOLDOWN_SECONDS * 1000, maxRequests: e.COOLDOWN_MAX_REQUESTS }),
    limits: Object.freeze({
      imagesPerMessage: e.MAX_IMAGES_PER_MESSAGE,
      imageBytes: e.MAX_IMAGE_BYTES,
      imagePixels: e.MAX_IMAGE_PIXELS,
      concurrentReads: e.MAX_CONCURRENT_READS,
      readWorkers: e.READ_WORKERS,
      downloadTimeoutMs: e.DOWNLOAD_TIMEOUT_MS,
    }),
    lowConfidence: e.LOW_CONFIDENCE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    catchUp: Object.freeze({ windowMs: e.CATCH_UP_MINUTES * 60_000, maxMessages: e.CATCH_UP_MESSAGES }),
    retrain: Object.freeze({
      cron: e.RETRAIN_CRON,
      minSamples: e.RETRAIN_MIN_SAMPLES,
      mode: e.RETRAIN_MODE,
      epochs: e.RETRAIN_EPOCHS,
      replay: e.RETRAIN_REPLAY,
      threads: e.RETRAIN_THREADS,
      nice: e.RETRAIN_NICE,
      keepModels: e.RETRAIN_KEEP_MODELS,
      mnistGate: e.RETRAIN_MNIST_GATE,
      crossFitFolds: e.RETRAIN_CROSS_FIT,
      watchMs: e.MODEL_WATCH_MS,
    }),
    labels: Object.freeze({ holdConfidence: e.LABEL_HOLD_CONFIDENCE, floodPerHour: e.LABEL_FLOOD_PER_HOUR }),
  };
  return Object.freeze(config);
}

/** For shell scripts that never connect to Discord (retrain, model): the token may be absent. */
export function loadScriptConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig({ ...env, DISCORD_TOKEN: env.DISCORD_TOKEN || 'unused-by-scripts' });
}
