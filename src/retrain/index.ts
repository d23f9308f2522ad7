/** Wiring for the retrain feature: settings from the configuration, and the Retrainer main, the CLI and tests share. */
import { resolve } from 'node:path';
import type { RetrainConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { defaultRetrainSettings, type RetrainSettings } from './candidate.ts';
import { forkTrainer, type CandidateTrainer } from './fork.ts';
import { Retrainer, type RetrainDeps } from './job.ts';

/** The settings of each mode, with what RETRAIN_* sets. */
export function settingsFromConfig(c: RetrainConfig): (mode: RetrainSettings['mode']) => RetrainSettings {
  return (mode) => {
    const d = defaultRetrainSettings(mode);
    return { ...d, epochs: mode === 'full' ? Math.max(d.epochs, c.epochs) : c.epochs, replay: c.replay, threads: c.threads, mnistGate: c.mnistGate, crossFitFolds: c.crossFitFolds };
  };
}

export interface RetrainerOptions {
  retrain: RetrainConfig;
  modelsDir: string;
  store: Store;
  log: Logger;
  onPromoted?: RetrainDeps['onPromoted'];
  /** default: a forked child process at RETRAIN_NICE */
  trainer?: CandidateTrainer;
}

export function createRetrainer(o: RetrainerOptions): Retrainer {
  return new Retrainer({
    store: o.store,
    // absolute: the child process must find the same folder whatever its working directory
    modelsDir: resolve(o.modelsDir),
    settings: settingsFromConfig(o.retrain),
    trainer: o.trainer ?? forkTrainer({ nice: o.retrain.nice }),
    defaultMode: o.retrain.mode,
    keepModels: o.retrain.keepModels,
    log: o.log,
    onPromoted: o.onPromoted,
  });
}

export { Retrainer } from './job.ts';
export type { RetrainReport, RetrainRequest, JobProgress } from './job.ts';
