/**
 * One retrain, start to end: take the lock, gather the trusted samples, record the run, let the
 * trainer (a child process) produce and measure a candidate, apply the gate, promote atomically
 * (load-checked: a candidate that fails to load never replaces the working model), hand the
 * loaded model to the bot for a hot swap, record everything and prune old models.
 * The same Retrainer serves the schedule, /retrain and `npm run retrain`.
 */
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { loadModel, readManifest } from '../model/format.ts';
import type { Model } from '../model/model.ts';
import { activeModelName, modelInfo } from '../model/registry.ts';
import type { Store } from '../store/index.ts';
import type { RetrainOutcome } from '../store/retrainRuns.ts';
import { isCorrection, type Sample } from '../store/samples.ts';
import type { CandidateResult, HeldBack, RetrainProgress, RetrainSettings } from './candidate.ts';
import { toDataset, type UserSamples } from './data.ts';
import { RetrainCancelled, type CandidateTrainer } from './fork.ts';
import { decide } from './gate.ts';
import { acquireLock } from './lock.ts';
import { candidateName, promote, pruneModels, writeVerdict } from './versions.ts';

export type RetrainTrigger = 'cron' | 'command' | 'cli';

export interface RetrainDeps {
  store: Store;
  modelsDir: string;
  /** settings per mode (a request picks the mode) */
  settings: (mode: RetrainSettings['mode']) => RetrainSettings;
  trainer: CandidateTrainer;
  /** the mode when a request names none (RETRAIN_MODE) */
  defaultMode?: RetrainSettings['mode'];
  /** retrained models kept besides the active one and its rollback chain */
  keepModels: number;
  log: Logger;
  /** receives the promoted model, already loaded (the bot swaps it in) */
  onPromoted?: (model: Model) => void | Promise<void>;
  now?: () => Date;
}

export type JobProgress = { stage: 'starting'; samples: number; heldBack: number } | RetrainProgress | { stage: 'deciding' };

export interface RetrainRequest {
  trigger: RetrainTrigger;
  requestedBy?: string | null;
  mode?: RetrainSettings['mode'];
  /** skip unless at least this many new trusted training samples arrived (the schedule's rule) */
  minNewSamples?: number;
  onProgress?: (p: JobProgress) => void;
}

export interface RetrainReport {
  status: 'promoted' | 'rejected' | 'failed' | 'skipped' | 'busy';
  runId: number | null;
  reason: string;
  parent: string | null;
  candidate: string | null;
  figures: CandidateResult | null;
  /** trusted training samples used, and new ones among them */
  samples: number;
  newSamples: number;
  seconds: number;
}

/** store.samples.labelled() only returns samples with a label */
const labelled = (s: Sample) => ({ image: s.image, label: s.label ?? -1 });
/** the samples with who labelled each ('' when the user is unknown, e.g. after /forget) */
const userSamples = (ss: readonly Sample[]): UserSamples => ({ data: toDataset(ss.map(labelled)), users: ss.map((s) => s.labelledBy ?? s.userId ?? '') });

/**
 * The users' part of a retrain from the stored samples fit to train on: the training side and the
 * held-back side (with whether the model's answer was corrected), each limited to the labels the
 * model has (a 10-class model learns no "not a digit").
 */
export function retrainData(trainSamples: readonly Sample[], heldBack: readonly Sample[], classes: number): { userTrain: UserSamples; holdout: HeldBack } {
  const usable = (ss: readonly Sample[]) => ss.filter((s) => (s.label ?? -1) < classes);
  // corrected: the model's answer on it was not its label (a mark it dropped was answered "not a digit")
  const withCorrected = (ss: readonly Sample[]) => ({ ...userSamples(ss), corrected: ss.map((s) => isCorrection(s, s.label)) });
  return { userTrain: withCorrected(usable(trainSamples)), holdout: withCorrected(usable(heldBack)) };
}

const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Retrainer {
  private current: Promise<RetrainReport> | null = null;
  private abort: AbortController | null = null;

  constructor(private readonly deps: RetrainDeps) {}

  get running(): boolean {
    return this.current !== null;
  }

  /** Starts a run, or answers "busy" at once when one is running (here or in another process). */
  run(req: RetrainRequest): Promise<RetrainReport> {
    if (this.current) return Promise.resolve(this.report('busy', 'a retrain is already running', {}));
    this.abort = new AbortController();
    const p = this.execute(req, this.abort.signal).finally(() => {
      this.current = null;
      this.abort = null;
    });
    this.current = p;
    return p;
  }

  /** Cancels the running retrain (shutdown) and waits until it is recorded. */
  async cancel(): Promise<void> {
    const p = this.current;
    if (!p) return;
    this.abort?.abort();
    await p.catch(() => {});
  }

  private report(status: RetrainReport['status'], reason: string, r: Partial<RetrainReport>): RetrainReport {
    return { status, reason, runId: null, parent: null, candidate: null, figures: null, samples: 0, newSamples: 0, seconds: 0, ...r };
  }

  private async execute(req: RetrainRequest, signal: AbortSignal): Promise<RetrainReport> {
    const { store, modelsDir, log } = this.deps;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const lock = await acquireLock(modelsDir, `${req.trigger} retrain`);
    if ('heldBy' in lock) {
      return this.report('busy', `a retrain is already running (process ${lock.heldBy.pid}, since ${lock.heldBy.startedAt})`, {});
    }
    try {
      const [trainSamples, heldBack] = await Promise.all([store.samples.labelled({ split: 'train', includeNone: true }), store.samples.labelled({ split: 'holdout', includeNone: true })]);
      const fresh = trainSamples.filter((s) => s.usedInRun === null);
      const newSamples = fresh.length;
      const base = { samples: trainSamples.length, newSamples };
      if (req.minNewSamples !== undefined && newSamples < req.minNewSamples) {
        return this.report('skipped', `only ${newSamples} new trusted samples (at least ${req.minNewSamples} needed)`, base);
      }
      if (trainSamples.length === 0) return this.report('skipped', 'no trusted samples to learn from yet', base);
      const parent = await activeModelName(modelsDir);
      const runId = await store.retrainRuns.start({ trigger: req.trigger, requestedBy: req.requestedBy ?? null, parentModel: parent, at: this.deps.now?.() });
      const candidate = candidateName(this.deps.now?.() ?? new Date(), runId);
      log.info({ runId, trigger: req.trigger, parent, candidate, samples: trainSamples.length, newSamples, heldBack: heldBack.length }, 'retrain started');
      req.onProgress?.({ stage: 'starting', samples: trainSamples.length, heldBack: heldBack.length });
      const r = { ...base, runId, parent, candidate };
      const outcome = await this.produce(req, signal, runId, parent, candidate, trainSamples, heldBack, newSamples);
      await store.retrainRuns.finish(runId, outcome.record);
      if (outcome.record.status !== 'failed') await store.samples.markUsed(fresh.map((s) => s.id), runId);
      log.info({ runId, status: outcome.record.status, reason: outcome.record.reason, seconds: Math.round(seconds()) }, 'retrain finished');
      await pruneModels(modelsDir, this.deps.keepModels).then(
        (removed) => removed.length && log.info({ removed }, 'old retrained models removed'),
        (err: unknown) => log.warn({ err }, 'pruning old models failed'),
      );
      return this.report(outcome.record.status, outcome.record.reason ?? '', { ...r, candidate: outcome.figures ? candidate : null, figures: outcome.figures, seconds: seconds() });
    } finally {
      await lock.release();
    }
  }

  /** Trains, decides and promotes; every failure becomes a 'failed' outcome (never a throw). */
  private async produce(
    req: RetrainRequest,
    signal: AbortSignal,
    runId: number,
    parent: string,
    candidate: string,
    trainSamples: Sample[],
    heldBack: Sample[],
    newSamples: number,
  ): Promise<{ record: RetrainOutcome; figures: CandidateResult | null }> {
    const { store, modelsDir, log } = this.deps;
    const settings = this.deps.settings(req.mode ?? this.deps.defaultMode ?? 'finetune');
    let figures: CandidateResult;
    try {
      // "not a digit" samples (label 10) teach only a model that has that class
      const classes = (await readManifest(join(modelsDir, parent))).classes.length;
      figures = await this.deps.trainer(
        {
          modelsDir,
          parent,
          candidate,
          ...retrainData(trainSamples, heldBack, classes),
          settings,
          lineage: {
            run: runId,
            trigger: req.trigger,
            requestedBy: req.requestedBy ?? null,
            sampleIds: { first: trainSamples[0]?.id ?? null, last: trainSamples.at(-1)?.id ?? null, count: trainSamples.length },
          },
        },
        { onProgress: req.onProgress },
        signal,
      );
    } catch (err) {
      const reason = err instanceof RetrainCancelled ? 'cancelled (the bot was shutting down)' : `training failed: ${errMessage(err)}`;
      log.error({ err, runId }, 'retrain failed');
      return { record: { status: 'failed', reason, details: { mode: settings.mode } }, figures: null };
    }
    req.onProgress?.({ stage: 'deciding' });
    const gate = decide(figures.gate);
    const numbers = {
      mnistBefore: figures.mnistBefore,
      mnistAfter: figures.mnistAfter,
      holdoutBefore: figures.holdoutBefore,
      holdoutAfter: figures.holdoutAfter,
    };
    const details = { mode: settings.mode, ...figures, newSamples };
    let status: 'promoted' | 'rejected' | 'failed' = gate.promote ? 'promoted' : 'rejected';
    let reason = gate.reason;
    let loaded: Model | null = null;
    if (gate.promote) {
      try {
        // load it first, then switch the pointer (setActiveModel loads it again): a candidate that
        // fails to load changes nothing
        loaded = await loadModel(join(modelsDir, candidate));
        await promote(modelsDir, candidate, `retrain run ${runId}`);
      } catch (err) {
        loaded = null;
        status = 'failed';
        reason = `the candidate passed the gate but failed to load, the active model stays: ${errMessage(err)}`;
        log.error({ err, runId, candidate }, 'candidate failed to load');
      }
    }
    await writeVerdict(modelsDir, candidate, { run: runId, status, reason, decidedAt: new Date().toISOString(), figures: numbers, gate: figures.gate }).catch((err: unknown) =>
      log.warn({ err, candidate }, 'could not write the verdict file'),
    );
    if (loaded) {
      await store.models.markActive(modelInfo(loaded.manifest));
      try {
        await this.deps.onPromoted?.(loaded);
      } catch (err) {
        log.error({ err, candidate }, 'the promoted model could not be swapped in');
      }
    } else {
      await readManifest(join(modelsDir, candidate))
        .then((m) => store.models.upsert(modelInfo(m), status === 'rejected' ? 'rejected' : 'candidate', { ...m.metrics, reason }))
        .catch((err: unknown) => log.warn({ err, candidate }, 'could not record the candidate'));
    }
    return { record: { status, candidateModel: candidate, samplesUsed: trainSamples.length, ...numbers, reason, details }, figures };
  }
}
