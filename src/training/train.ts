import type { AugmentOptions } from '../data/augment.ts';
import type { Dataset } from '../data/dataset.ts';
import type { InitScheme } from '../nn/layers/layer.ts';
import type { Network } from '../nn/network.ts';
import { createOptimizer, type OptimizerSettings } from '../nn/optimizers.ts';
import { Rng } from '../nn/rng.ts';
import { evaluate } from './evaluate.ts';
import { ParallelGradients } from './parallel.ts';
import { DEFAULT_PLATEAU, PlateauSchedule, type PlateauOptions } from './schedule.ts';

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** λ in Nielsen's convention: the L2 term is λ/(2n)·Σw² with n the training-set size */
  l2: number;
  optimizer: OptimizerSettings;
  plateau: PlateauOptions;
  seed: number;
  /** random distortions of the training images, or null */
  augment: AugmentOptions | null;
  /** threads computing each batch's gradient (data parallel); 1 = this thread only */
  threads: number;
}

export const DEFAULT_TRAIN: TrainSettings = {
  epochs: 30,
  batchSize: 10,
  learningRate: 0.1,
  l2: 0,
  optimizer: { type: 'sgd', momentum: 0 },
  plateau: DEFAULT_PLATEAU,
  seed: 1,
  augment: null,
  threads: 1,
};

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  validationCorrect: number;
  validationTotal: number;
  validationAccuracy: number;
  learningRate: number;
  seconds: number;
  improved: boolean;
  halved: boolean;
}

export interface TrainResult {
  history: EpochReport[];
  bestEpoch: number;
  bestValidationAccuracy: number;
  seconds: number;
  stoppedEarly: boolean;
  /** threads that computed the gradients (the main thread and its workers) */
  threads: number;
}

export interface TrainHooks {
  onEpoch?: (report: EpochReport) => void;
  /** called every few batches with samples done / total in this epoch */
  onProgress?: (done: number, total: number) => void;
  /** checked between batches; true stops training after restoring the best weights */
  shouldStop?: () => boolean;
}

/**
 * Mini-batch training with the plateau schedule; restores the best validation epoch's
 * weights at the end. Deterministic for a given seed (shuffles, dropout and transforms all
 * derive from it).
 */
export async function train(net: Network, trainSet: Dataset, validation: Dataset, settings: TrainSettings, hooks: TrainHooks = {}): Promise<TrainResult> {
  if (settings.batchSize > net.maxBatch) throw new Error(`batch size ${settings.batchSize} exceeds the network's maxBatch ${net.maxBatch}`);
  const optimizer = createOptimizer(settings.optimizer, net);
  const schedule = new PlateauSchedule(settings.learningRate, settings.plateau);
  const rng = new Rng(settings.seed);
  const init: InitScheme = 'he'; // workers receive the weights every step, so their own init never matters
  const gradients = await ParallelGradients.start(net, trainSet, settings.augment, settings.threads, init, settings.seed);
  try {
    return runEpochs(net, gradients, validation, settings, optimizer, schedule, rng, hooks);
  } finally {
    await gradients.close();
  }
}

function runEpochs(
  net: Network,
  gradients: ParallelGradients,
  validation: Dataset,
  settings: TrainSettings,
  optimizer: ReturnType<typeof createOptimizer>,
  schedule: PlateauSchedule,
  rng: Rng,
  hooks: TrainHooks,
): TrainResult {
  const order = gradients.order;
  const n = order.length;
  for (let i = 0; i < n; i++) order[i] = i;
  const l2PerStep = settings.l2 / n;
  let best = net.params().slice();
  const history: EpochReport[] = [];
  const started = performance.now();
  let stoppedEarly = false;

  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const t0 = performance.now();
    rng.shuffle(order);
    let lossSum = 0;
    let interrupted = false;
    for (let start = 0; start < n; start += settings.batchSize) {
      const batch = Math.min(settings.batchSize, n - start);
      lossSum += gradients.compute(start, batch, rng.nextU32() | 0);
      optimizer.step(schedule.learningRate, l2PerStep);
      if (hooks.onProgress && (start / settings.batchSize) % 50 === 0) hooks.onProgress(start + batch, n);
      if (hooks.shouldStop?.()) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) {
      stoppedEarly = true;
      break;
    }
    const lrUsed = schedule.learningRate;
    const ev = evaluate(net, validation);
    const decision = schedule.update(epoch, ev.accuracy);
    if (decision.improved) best = net.params().slice();
    const report: EpochReport = {
      epoch: epoch + 1,
      trainLoss: lossSum / n,
      validationCorrect: ev.correct,
      validationTotal: ev.total,
      validationAccuracy: ev.accuracy,
      learningRate: lrUsed,
      seconds: (performance.now() - t0) / 1000,
      improved: decision.improved,
      halved: decision.halved,
    };
    history.push(report);
    hooks.onEpoch?.(report);
    if (decision.stop) {
      stoppedEarly = true;
      break;
    }
  }
  net.setParams(best);
  return {
    history,
    bestEpoch: schedule.bestEpochIndex + 1,
    bestValidationAccuracy: schedule.bestAccuracy,
    seconds: (performance.now() - started) / 1000,
    stoppedEarly,
    threads: gradients.threads,
  };
}
