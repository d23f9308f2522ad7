/** The store: one object per table family over one database client. */
import { openDatabase, type Client, type OpenOptions } from './db.ts';
import { FeedbackStore } from './feedback.ts';
import { ForgetStore } from './forget.ts';
import { ModelsStore } from './models.ts';
import { PredictionsStore } from './predictions.ts';
import { RetrainRunsStore } from './retrainRuns.ts';
import { SamplesStore } from './samples.ts';
import { StatsStore } from './stats.ts';

export interface Store {
  readonly db: Client;
  readonly predictions: PredictionsStore;
  readonly samples: SamplesStore;
  readonly feedback: FeedbackStore;
  readonly forget: ForgetStore;
  readonly models: ModelsStore;
  readonly retrainRuns: RetrainRunsStore;
  readonly stats: StatsStore;
  close(): void;
}

export function createStore(db: Client): Store {
  return Object.freeze({
    db,
    predictions: new PredictionsStore(db),
    samples: new SamplesStore(db),
    feedback: new FeedbackStore(db),
    forget: new ForgetStore(db),
    models: new ModelsStore(db),
    retrainRuns: new RetrainRunsStore(db),
    stats: new StatsStore(db),
    close: () => db.close(),
  });
}

export async function openStore(opts: OpenOptions): Promise<Store> {
  return createStore(await openDatabase(opts));
}

export type { Prediction, NewPrediction, PredictionSource } from './predictions.ts';
export type { Sample } from './samples.ts';
export type { ModelInfo, ModelRow } from './models.ts';
export type { RetrainRun, RetrainOutcome } from './retrainRuns.ts';
export type { LiveStats } from './stats.ts';
export type { ForgetReport, ForgottenAnswer } from './forget.ts';
