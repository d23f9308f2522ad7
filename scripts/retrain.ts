/**
 * npm run retrain [-- --full] [-- --min-samples N]
 *
 * The same retrain as the schedule and /retrain, from the shell: the users' trusted samples +
 * an MNIST replay, in a child process, through the promotion gate. A bot running on the same
 * models folder picks a promoted model up by itself (it watches models/active.json).
 * Exit code: 0 promoted, rejected or nothing to do; 1 failed; 3 another retrain is running.
 */
import dotenv from 'dotenv';
import { fail, num, parseCli, runMain } from '../src/cli/args.ts';
import { ProgressBar } from '../src/cli/progress.ts';
import { ConfigError, loadScriptConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { gateLines } from '../src/retrain/gate.ts';
import { createRetrainer, type JobProgress } from '../src/retrain/index.ts';
import { openStore } from '../src/store/index.ts';

const USAGE = `
npm run retrain -- [options]

  --full             train the active model's architecture from scratch (default: RETRAIN_MODE, finetune)
  --min-samples N    do nothing unless N new trusted samples arrived (default 0: run anyway)

Reads DATABASE_URL, MODELS_DIR and RETRAIN_* from the environment or .env (see .env.example).
`;

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const { values: v } = parseCli(USAGE, { full: { type: 'boolean' }, 'min-samples': { type: 'string' } });
  let config;
  try {
    config = loadScriptConfig();
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : String(err));
  }
  const minSamples = num(v['min-samples'], 'min-samples', 0, (n) => Number.isInteger(n) && n >= 0);
  const store = await openStore({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  const retrainer = createRetrainer({ retrain: config.retrain, modelsDir: config.modelsDir, store, log: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel) });
  process.once('SIGINT', () => void retrainer.cancel());

  const bar = new ProgressBar();
  let lastStage = '';
  const onProgress = (p: JobProgress) => {
    if (p.stage === 'training') return bar.update(p.done, p.total, `epoch ${p.epoch}/${p.epochs}${p.validationAccuracy !== undefined ? ` validation ${(100 * p.validationAccuracy).toFixed(2)}%` : ''}`);
    bar.clear();
    if (p.stage === lastStage) return;
    lastStage = p.stage;
    console.log(p.stage === 'starting' ? `retraining on ${p.samples} trusted samples (${p.heldBack} held back)` : `${p.stage}…`);
  };
  const started = performance.now();
  const r = await retrainer.run({ trigger: 'cli', mode: v.full ? 'full' : undefined, minNewSamples: minSamples || undefined, onProgress });
  bar.clear();
  store.close();
  const f = r.figures;
  console.log(r.reason.startsWith(r.status) ? r.reason : `${r.status}: ${r.reason}`);
  if (f) {
    const p = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)}%`);
    console.log(`  run ${r.runId}: ${r.parent} → ${r.candidate}`);
    console.log(`  samples ${r.samples} (${r.newSamples} new), held back ${f.holdoutCount}, MNIST replay ${f.replay} (user samples ×${f.repeats}), ${f.epochsRun} epochs`);
    console.log(`  set aside to pick the epoch ${f.selectionSamples}; largest user's share of the users' copies ${p(f.largestUserShare)}; best epoch ${f.bestEpoch}`);
    for (const l of gateLines(f.gate)) console.log(`  ${l.name}: ${l.value}`);
  }
  console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = r.status === 'failed' ? 1 : r.status === 'busy' ? 3 : 0;
}

runMain(main);
