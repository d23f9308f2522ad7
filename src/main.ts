/**
 * Composition root: config → log → store → model → retrainer → bot → schedule and model watch;
 * SIGINT/SIGTERM shut down gracefully (a running retrain is cancelled and recorded first).
 */
import dotenv from 'dotenv';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, scrubSecrets } from './log.ts';
import { createBot } from './bot/client.ts';
import { explainStartFailure } from './bot/startErrors.ts';
import { ModelHolder } from './bot/modelHolder.ts';
import { loadActiveModel, modelInfo } from './model/registry.ts';
import { served } from './model/shifts.ts';
import { defaultNoveltyIndex } from './vision/novelty.ts';
import { createRetrainer } from './retrain/index.ts';
import { watchActiveModel } from './retrain/hotSwap.ts';
import { scheduleRetrain } from './retrain/scheduler.ts';
import { openStore } from './store/index.ts';
import { readDigits } from './vision/read.ts';
import { lookForLabel } from './vision/guided.ts';
import { createReadPool } from './vision/readPool.ts';
import { loadMorphologyKernels } from './vision/morphologyWasm.ts';

dotenv.config({ quiet: true });

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`digit-bot: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const log = createLogger(config.logLevel, undefined, { secrets: [config.discordToken, config.databaseAuthToken], format: config.logFormat });

function fatal(message: string, err?: unknown): never {
  log.fatal(err ? { err } : {}, message);
  console.error(scrubSecrets(`digit-bot: ${message}${err instanceof Error ? `: ${err.message}` : ''}`, [config.discordToken]));
  process.exit(1);
}

const store = await openStore({ url: config.databaseUrl, authToken: config.databaseAuthToken }).catch((err: unknown) =>
  fatal(`cannot open the database at ${config.databaseUrl}`, err),
);
const active = await loadActiveModel(config.modelsDir).catch((err: unknown) => fatal(`cannot load the active model from ${config.modelsDir}`, err));
const models = new ModelHolder(active);
// The "not a digit" gate compares against MNIST prototypes: build them now (~1 s), not during the first reply.
if (!(await defaultNoveltyIndex())) log.warn('MNIST files not found: the "not a digit" novelty gate is off');
// the SIMD min/max filters compile now too (~0.1 s), not during the first reply
if (!(await loadMorphologyKernels())) log.warn('WebAssembly SIMD not available: the image filters run in TypeScript (slower, same answers)');
// a promoted model is swapped in without a restart (it was loaded and checked before promotion)
const retrainer = createRetrainer({
  retrain: config.retrain,
  modelsDir: config.modelsDir,
  store,
  log,
  onPromoted: (model) => void models.swap({ classifier: served(model), info: modelInfo(model.manifest) }),
});

const readOptions = { maxBytes: config.limits.imageBytes, maxPixels: config.limits.imagePixels };
// pictures are read in READ_WORKERS worker threads, off the event loop (same answers); 0: here
const pool = config.limits.readWorkers > 0 ? createReadPool(config.limits.readWorkers, config.modelsDir, readOptions) : null;
const bot = createBot({
  config,
  log,
  store,
  models,
  retrainer,
  readDigits: (bytes, classifier) => (pool ? pool.read(bytes, classifier) : readDigits(bytes, classifier, readOptions)),
  lookForLabel: (bytes, classifier, label) => lookForLabel(bytes, classifier, label, readOptions),
});

// models promoted by another process (npm run retrain / model -- promote|rollback)
const modelWatch = watchActiveModel({ modelsDir: config.modelsDir, models, intervalMs: config.retrain.watchMs, log });
const schedule = config.retrain.cron ? scheduleRetrain({ cron: config.retrain.cron, minSamples: config.retrain.minSamples, retrainer, log }) : null;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, inFlight: bot.ctx.tasks.size }, 'shutting down');
  // a hard stop if anything hangs: in-flight work is bounded by SHUTDOWN_TIMEOUT_MS, closing by a few seconds more
  setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs + 5_000).unref();
  try {
    modelWatch.stop();
    await schedule?.stop();
    await retrainer.cancel();
    const r = await bot.stop();
    await pool?.close();
    store.close();
    log.info(r, 'stopped');
    process.exit(0);
  } catch (err) {
    log.error({ err }, 'error while shutting down');
    process.exit(1);
  }
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
// the bot keeps running through unexpected errors; they are logged
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

try {
  await bot.start();
} catch (err) {
  fatal(explainStartFailure(err), err);
}
