/**
 * The data of a retrain: the users' trusted samples (train side) repeated so they weigh enough,
 * every copy but the first randomly distorted (augmentation), mixed with a random replay of plain
 * MNIST training images so the model does not forget; a
 * validation set (MNIST validation images + the users' training samples) picks the best epoch.
 * The held-back user samples never appear here: they only measure.
 */
import { Augmenter, type AugmentOptions } from '../data/augment.ts';
import type { Dataset } from '../data/dataset.ts';
import { IMAGE_SIZE, concatDatasets, subset } from '../data/mnist.ts';
import { Rng } from '../nn/rng.ts';

/** A labelled image, as the store returns samples (label known). */
export interface LabelledImage {
  image: Float32Array;
  label: number;
}

export function toDataset(samples: readonly LabelledImage[]): Dataset {
  const images = new Float32Array(samples.length * IMAGE_SIZE);
  const labels = new Uint8Array(samples.length);
  samples.forEach((s, i) => {
    if (s.image.length !== IMAGE_SIZE) throw new Error(`sample ${i} has ${s.image.length} pixels, expected ${IMAGE_SIZE}`);
    if (!Number.isInteger(s.label) || s.label < 0 || s.label > 9) throw new Error(`sample ${i} has label ${s.label}, expected 0-9`);
    images.set(s.image, i * IMAGE_SIZE);
    labels[i] = s.label;
  });
  return { images, labels, n: samples.length };
}

/** `count` images drawn without replacement from `ds` (seeded), copied. */
export function randomSubset(ds: Dataset, count: number, rng: Rng): Dataset {
  const k = Math.min(count, ds.n);
  if (k === ds.n) return concatDatasets(ds);
  const idx = new Uint32Array(ds.n);
  for (let i = 0; i < ds.n; i++) idx[i] = i;
  const images = new Float32Array(k * IMAGE_SIZE);
  const labels = new Uint8Array(k);
  for (let i = 0; i < k; i++) {
    // partial Fisher-Yates: position i takes a random one of the remaining
    const j = i + rng.int(ds.n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
    images.set(ds.images.subarray(idx[i]! * IMAGE_SIZE, (idx[i]! + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    labels[i] = ds.labels[idx[i]!]!;
  }
  return { images, labels, n: k };
}

export interface MixOptions {
  /** MNIST training images replayed */
  replay: number;
  /** share of the training set the user samples should make up (through repetition) */
  userShare: number;
  /** most copies of each user sample (augmentation makes every copy different) */
  maxRepeats: number;
  /** distortions of the user copies after the first (null: plain copies) */
  augment: AugmentOptions | null;
  seed: number;
  /** replayed whole beside the MNIST replay: an 11-class model's crops, so it keeps knowing "not a digit" */
  crops?: Dataset | null;
}

/** How many copies of each user sample make them about `userShare` of the mix. */
export function userRepeats(users: number, replay: number, userShare: number, maxRepeats: number): number {
  if (users === 0) return 0;
  if (replay === 0 || userShare >= 1) return 1;
  const wanted = (userShare / (1 - userShare)) * (replay / users);
  return Math.max(1, Math.min(maxRepeats, Math.round(wanted)));
}

export interface TrainingMix {
  train: Dataset;
  repeats: number;
  replay: number;
  /** crops replayed (11-class models) */
  crops: number;
}

export function mixTrainingSet(user: Dataset, mnistTrain: Dataset, o: MixOptions): TrainingMix {
  const rng = new Rng(o.seed);
  const replay = randomSubset(mnistTrain, o.replay, rng);
  const repeats = userRepeats(user.n, replay.n, o.userShare, o.maxRepeats);
  const parts: Dataset[] = o.crops ? [replay, o.crops] : [replay];
  const augmenter = o.augment ? new Augmenter(o.augment) : null;
  for (let r = 0; r < repeats; r++) {
    if (r === 0 || !augmenter) {
      parts.push(user);
      continue;
    }
    const images = new Float32Array(user.n * IMAGE_SIZE);
    augmenter.batch(user.images, images, user.n, rng);
    parts.push({ images, labels: user.labels, n: user.n });
  }
  return { train: concatDatasets(...parts), repeats, replay: replay.n, crops: o.crops?.n ?? 0 };
}

/** Best-epoch selection: MNIST validation images (forgetting) and the users' training samples (learning). */
export function validationSet(mnistValidation: Dataset, count: number, user: Dataset): Dataset {
  return concatDatasets(subset(mnistValidation, 0, Math.min(count, mnistValidation.n)), user);
}
