/** What the bot's handlers share: dependencies (injected by main or tests) and run-time helpers. */
import type { Client } from 'discord.js';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { DigitClassifier } from '../model/classifier.ts';
import type { Retrainer } from '../retrain/job.ts';
import type { Store } from '../store/index.ts';
import type { Reading } from '../vision/types.ts';
import type { StatsChartRenderer } from './charts.ts';
import type { MessageClaims } from './claims.ts';
import type { Cooldown } from './cooldown.ts';
import type { Limiter, TaskTracker } from './limiter.ts';
import type { ModelHolder } from './modelHolder.ts';
import type { LookForLabelFn } from './guidedLook.ts';

/** Reads the digits of a picture; throws only ImageRejectedError (src/vision/read.ts). */
export type ReadDigitsFn = (bytes: Buffer, classifier: DigitClassifier) => Promise<Reading>;

export interface BotDeps {
  config: Config;
  log: Logger;
  store: Store;
  models: ModelHolder;
  readDigits: ReadDigitsFn;
  /** a correction's label-guided look at its picture (bot/guidedLook.ts; absent: labels land on the answer's marks) */
  lookForLabel?: LookForLabelFn;
  renderCharts?: StatsChartRenderer;
  /** runs /retrain (absent: the command says retraining is not set up) */
  retrainer?: Retrainer;
  now?: () => number;
}

export interface BotContext extends BotDeps {
  client: Client;
  cooldown: Cooldown;
  reads: Limiter;
  tasks: TaskTracker;
  /** chat messages taken on by this process (the gateway and the start-up catch-up share it) */
  claims: MessageClaims;
  /** set once shutdown begins: new work is politely refused */
  closing: boolean;
}
