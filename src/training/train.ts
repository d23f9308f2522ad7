import type { Dataset } from '../data/dataset.ts';
import type { Network } from '../nn/network.ts';
import { createOptimizer, type OptimizerSettings } from '../nn/optimizers.ts';
import { Rng } from '../nn/rng.ts';
import { evaluate } from './evaluate.ts';
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
}

export const DEFAULT_TRAIN: TrainSettings = {
  epochs: 30,
  batchSize: 10,
  learningRate: 0.1,
  l2: 0,
  optimizer: { type: 'sgd', momentum: 0 },
  plateau: DEFAULT_PLATEAU,
  seed: 1,
};

/** Rewrites a gathered batch in place of training (e.g. random distortions); gets the batch's rng. */
export type BatchTransform = (src: Float32Array, dst: Float32Array, count: number, rng: Rng) => void;

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
}

export interface TrainHooks {
  onEpoch?: (report: EpochReport) => void;
  /** called every few batches with samples done / total in this epoch */
  onProgress?: (done: number, total: number) => void;
  transform?: BatchTransform;
  /** checked between batches; true stops training after restoring the best weights */
  shouldStop?: () => boolean;
}

/**
 * Mini-batch training with the plateau schedule; restores the best validation epoch's
 * weights at the end. Deterministic for a given seed (shuffles, dropout and transforms all
 * derive from it).
 */
export function train(net: Network, trainSet: Dataset, validation: Dataset, settings: TrainSettings, hooks: TrainHooks = {}): TrainResult {
  if (settings.batchSize > net.maxBatch) throw new Error(`batch size ${settings.batchSize} exceeds the network's maxBatch ${net.maxBatch}`);
  const optimizer = createOptimizer(settings.optimizer, net);
  const schedule = new PlateauSchedule(settings.learningRate, settings.plateau);
  const rng = new Rng(settings.seed);
  const order = new Uint32Array(trainSet.n);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const px = net.inSize;
  const gathered = new Float32Array(settings.batchSize * px);
  const transformed = new Float32Array(settings.batchSize * px);
  const labels = new Uint8Array(settings.batchSize);
  const l2PerStep = settings.l2 / trainSet.n;
  let best = net.params().slice();
  const history: EpochReport[] = [];
  const started = performance.now();
  let stoppedEarly = false;

  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const t0 = performance.now();
    rng.shuffle(order);
    let lossSum = 0;
    let interrupted = false;
    for (let start = 0; start < trainSet.n; start += settings.batchSize) {
      const batch = Math.min(settings.batchSize, trainSet.n - start);
      for (let b = 0; b < batch; b++) labels[b] = trainSet.labels[order[start + b]];
      if (hooks.transform) {
        for (let b = 0; b < batch; b++) {
          const src = order[start + b] * px;
          gathered.set(trainSet.images.subarray(src, src + px), b * px);
        }
        hooks.transform(gathered, transformed, batch, rng);
        net.loadInput(transformed, 0, batch);
      } else {
        net.loadInput(trainSet.images, start, batch, order);
      }
      lossSum += net.forwardBackward(batch, labels, 0);
      optimizer.step(schedule.learningRate, l2PerStep);
      if (hooks.onProgress && (start / settings.batchSize) % 50 === 0) hooks.onProgress(start + batch, trainSet.n);
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
      trainLoss: lossSum / trainSet.n,
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
  };
}
