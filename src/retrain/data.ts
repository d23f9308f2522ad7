/**
 * The data of a retrain: the users' trusted samples (train side) repeated so they weigh enough,
 * every copy but the first randomly distorted (augmentation), no user above a share of all users'
 * copies (one user cannot move the model alone), mixed with a random replay of plain MNIST training
 * images so the model does not forget. The best epoch is picked on data the run does not train on:
 * MNIST validation images and a slice of the users' training samples set aside for that run.
 * The held-back user samples never appear here: they only measure.
 */
import { Augmenter, type AugmentOptions } from '../data/augment.ts';
import { NONE_LABEL } from '../data/crops.ts';
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
    if (!Number.isInteger(s.label) || s.label < 0 || s.label > NONE_LABEL) throw new Error(`sample ${i} has label ${s.label}, expected 0-9 or ${NONE_LABEL} (not a digit)`);
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

/** Images `idx` of `ds`, copied, in that order. */
export function pickSamples(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const images = new Float32Array(idx.length * IMAGE_SIZE);
  const labels = new Uint8Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    images.set(ds.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), k * IMAGE_SIZE);
    labels[k] = ds.labels[i]!;
  }
  return { images, labels, n: idx.length };
}

/**
 * The users' samples with who gave each label (one user id per sample; '' when unknown) and, when
 * known, whether each label corrected the model's answer on its mark (else it confirmed it).
 */
export interface UserSamples {
  data: Dataset;
  users: readonly string[];
  corrected?: readonly boolean[];
}

export function pickUserSamples(s: UserSamples, idx: readonly number[]): UserSamples {
  const corrected = s.corrected;
  return { data: pickSamples(s.data, idx), users: idx.map((i) => s.users[i]!), ...(corrected ? { corrected: idx.map((i) => corrected[i] === true) } : {}) };
}

/**
 * Splits the users' training samples into the ones this run trains on and a slice (about `share`,
 * seeded) it does not, on which the best epoch is picked. Fewer than 5 samples: no slice.
 */
export function selectionSplit(s: UserSamples, share: number, seed: number): { fit: UserSamples; select: UserSamples } {
  const n = s.data.n;
  const k = n < 5 ? 0 : Math.max(1, Math.round(share * n));
  const order = new Rng(seed ^ 0x5e1ec7).shuffle(Array.from({ length: n }, (_, i) => i));
  const select = order.slice(0, k).sort((a, b) => a - b);
  const fit = order.slice(k).sort((a, b) => a - b);
  return { fit: pickUserSamples(s, fit), select: pickUserSamples(s, select) };
}

export interface MixOptions {
  /** MNIST training images replayed */
  replay: number;
  /** share of the training set the user samples should make up (through repetition) */
  userShare: number;
  /** most copies of each user sample (augmentation makes every copy different) */
  maxRepeats: number;
  /**
   * largest share one user's copies may have among all users' copies (e.g. 0.25); with fewer users
   * than 1/cap, of the user part the mix aims at instead. 1 = no cap.
   */
  userCap: number;
  /** distortions of the user copies after the first (null: plain copies) */
  augment: AugmentOptions | null;
  seed: number;
  /** replayed whole beside the MNIST replay: an 11-class model's crops, so it keeps knowing "not a digit" */
  crops?: Dataset | null;
  /** copies of each replayed "not a digit" crop (default 1; the ones after the first distorted like the user copies) */
  noneCropCopies?: number;
  /** a corrected user sample counts this many times a confirmed one in its user's copies (default 1) */
  correctedWeight?: number;
}

/** How many copies of each user sample make them about `userShare` of the mix. */
export function userRepeats(users: number, replay: number, userShare: number, maxRepeats: number): number {
  if (users === 0) return 0;
  if (replay === 0 || userShare >= 1) return 1;
  const wanted = (userShare / (1 - userShare)) * (replay / users);
  return Math.max(1, Math.min(maxRepeats, Math.round(wanted)));
}

/**
 * Copies per user: `desired[u]` (their samples × the repeats), but none above `cap` of all users'
 * copies: the largest level L with L ≤ cap·Σ min(desired, L) (the set of such L is an interval from 0,
 * found by bisection). With too few users for that (fewer than 1/cap of similar size, where only L = 0
 * fits) each user gets at most `cap` of `target`, the user part a full mix aims at. Pure.
 */
export function cappedCopies(desired: readonly number[], cap: number, target: number): number[] {
  if (cap >= 1 || desired.length === 0) return [...desired];
  const total = (level: number) => desired.reduce((s, d) => s + Math.min(d, level), 0);
  const level = (fits: (l: number) => boolean) => {
    let hi = Math.max(...desired);
    if (fits(hi)) return hi;
    let lo = 0;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    return Math.floor(lo);
  };
  const strict = level((l) => l <= cap * total(l));
  const L = strict >= 1 ? strict : Math.floor(cap * target);
  return desired.map((d) => Math.min(d, L));
}

export interface TrainingMix {
  train: Dataset;
  /** copies of each user sample wanted before the per-user cap */
  repeats: number;
  replay: number;
  /** crops replayed (11-class models) */
  crops: number;
  /** each user's samples and copies in the mix (after the cap) */
  perUser: { user: string; samples: number; copies: number }[];
}

/**
 * The training set of a run: the MNIST replay, the crops and the users' copies. A user's copy k
 * (of c) is their sample k mod n in a seeded order: a capped user is subsampled, others repeated;
 * the first pass over a user's samples is plain, the later ones distorted.
 */
export function mixTrainingSet(user: UserSamples, mnistTrain: Dataset, o: MixOptions): TrainingMix {
  const rng = new Rng(o.seed);
  const replay = randomSubset(mnistTrain, o.replay, rng);
  const n = user.data.n;
  const repeats = userRepeats(n, replay.n, o.userShare, o.maxRepeats);
  const weight = Math.max(1, Math.round(o.correctedWeight ?? 1));
  const byUser = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const u = user.users[i] ?? '';
    const list = byUser.get(u) ?? [];
    // a corrected sample stands in its user's list `weight` times
    for (let w = user.corrected?.[i] ? weight : 1; w > 0; w--) list.push(i);
    byUser.set(u, list);
  }
  const groups = [...byUser.entries()];
  const target = replay.n > 0 && o.userShare < 1 ? (o.userShare / (1 - o.userShare)) * replay.n : n * repeats;
  const copies = cappedCopies(groups.map(([, idx]) => idx.length * repeats), o.userCap, target);
  const plain: number[] = [];
  const distorted: number[] = [];
  groups.forEach(([, idx], g) => {
    const order = rng.shuffle([...idx]);
    const seen = new Set<number>();
    for (let k = 0; k < copies[g]!; k++) {
      const i = order[k % order.length]!;
      // the first copy of a sample is plain, the later ones distorted
      (!seen.has(i) || !o.augment ? plain : distorted).push(i);
      seen.add(i);
    }
  });
  const distort = (src: Dataset): Dataset => {
    const images = new Float32Array(src.n * IMAGE_SIZE);
    new Augmenter(o.augment!).batch(src.images, images, src.n, rng);
    return { images, labels: src.labels, n: src.n };
  };
  const extraNone: number[] = [];
  if (o.crops && (o.noneCropCopies ?? 1) > 1) {
    for (let c = 1; c < Math.round(o.noneCropCopies!); c++) for (let i = 0; i < o.crops.n; i++) if (o.crops.labels[i] === NONE_LABEL) extraNone.push(i);
  }
  const parts: Dataset[] = [replay, ...(o.crops ? [o.crops] : []), pickSamples(user.data, plain)];
  if (distorted.length > 0) parts.push(distort(pickSamples(user.data, distorted)));
  if (extraNone.length > 0) parts.push(o.augment ? distort(pickSamples(o.crops!, extraNone)) : pickSamples(o.crops!, extraNone));
  return {
    train: concatDatasets(...parts),
    repeats,
    replay: replay.n,
    crops: (o.crops?.n ?? 0) + extraNone.length,
    perUser: groups.map(([u, idx], g) => ({ user: u, samples: idx.length, copies: copies[g]! })),
  };
}

/** Best-epoch selection: MNIST validation images (forgetting) and a slice of the users' samples this run does not train on (learning). */
export function validationSet(mnistValidation: Dataset, count: number, userSlice: Dataset, cropSlice: Dataset | null = null): Dataset {
  const parts = [subset(mnistValidation, 0, Math.min(count, mnistValidation.n)), userSlice, ...(cropSlice && cropSlice.n > 0 ? [cropSlice] : [])];
  return concatDatasets(...parts);
}

/**
 * Splits an 11-class model's replayed crops into the part a run trains on and a slice (about
 * `share`; the last ones, the replay file being a random draw of the harvest) the best epoch is
 * picked on: the epoch chosen must still know "not a digit", which the gate then checks.
 */
export function cropsSelectionSplit(crops: Dataset, share: number): { fit: Dataset; select: Dataset } {
  const k = crops.n < 20 ? 0 : Math.round(share * crops.n);
  return { fit: subset(crops, 0, crops.n - k), select: subset(crops, crops.n - k, k) };
}
