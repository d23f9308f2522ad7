/**
 * "Does this look like any handwritten digit at all?" The classifier must pick one of ten
 * classes, so a star or a triangle comes out as a confident 0 and a letter as a 4. This gate
 * measures how far the 28x28 image is from the nearest of 10,000 MNIST training digits (1,000 per
 * class), compared blurred and halved to 14x14 so that small shifts and stroke-width changes
 * do not count. Real digits sit close to some training digit; shapes and letters do not.
 * Measured by scripts/pipeline-accuracy.ts (threshold sweep); the threshold is
 * VisionOptions.maxNovelty.
 */
import { IMAGE_SIDE as SIDE, loadMnistSplit } from '../data/mnist.ts';

const HALF = 14;
export const NOVELTY_DIM = HALF * HALF;
const PER_CLASS = 1000;
/** The training file's first 15,000 images hold more than PER_CLASS of every digit. */
const PROTOTYPE_SOURCE_IMAGES = 15_000;

export interface NoveltyIndex {
  /** m prototypes of NOVELTY_DIM floats each. */
  prototypes: Float32Array;
  m: number;
}

/** 3x3 binomial blur, then 2x2 average: 28x28 → 14x14. */
export function noveltyFeatures(img: Float32Array, out = new Float32Array(NOVELTY_DIM)): Float32Array {
  const tmp = new Float32Array(SIDE * SIDE);
  const blurred = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const c = img[y * SIDE + x];
      const l = x > 0 ? img[y * SIDE + x - 1] : 0;
      const r = x < SIDE - 1 ? img[y * SIDE + x + 1] : 0;
      tmp[y * SIDE + x] = 0.5 * c + 0.25 * (l + r);
    }
  }
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const c = tmp[y * SIDE + x];
      const u = y > 0 ? tmp[(y - 1) * SIDE + x] : 0;
      const d = y < SIDE - 1 ? tmp[(y + 1) * SIDE + x] : 0;
      blurred[y * SIDE + x] = 0.5 * c + 0.25 * (u + d);
    }
  }
  for (let y = 0; y < HALF; y++) {
    for (let x = 0; x < HALF; x++) {
      const i = 2 * y * SIDE + 2 * x;
      out[y * HALF + x] = 0.25 * (blurred[i] + blurred[i + 1] + blurred[i + SIDE] + blurred[i + SIDE + 1]);
    }
  }
  return out;
}

/** The first `perClass` images of each class become prototypes. */
export function buildNoveltyIndex(images: Float32Array, labels: Uint8Array, n: number, perClass = PER_CLASS): NoveltyIndex {
  const counts = new Array<number>(10).fill(0);
  const chosen: number[] = [];
  for (let i = 0; i < n && chosen.length < perClass * 10; i++) {
    if (counts[labels[i]] >= perClass) continue;
    counts[labels[i]]++;
    chosen.push(i);
  }
  const prototypes = new Float32Array(chosen.length * NOVELTY_DIM);
  chosen.forEach((i, k) =>
    noveltyFeatures(images.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), prototypes.subarray(k * NOVELTY_DIM, (k + 1) * NOVELTY_DIM)),
  );
  return { prototypes, m: chosen.length };
}

/** Euclidean distance (14x14 features) to the nearest prototype. */
export function noveltyScore(index: NoveltyIndex, img: Float32Array): number {
  const f = noveltyFeatures(img);
  const p = index.prototypes;
  let best = Infinity;
  for (let k = 0; k < index.m; k++) {
    const o = k * NOVELTY_DIM;
    let d = 0;
    // Early exit once this prototype is already farther than the best one: ~4x fewer operations.
    for (let j = 0; j < NOVELTY_DIM && d < best; j++) {
      const t = f[j] - p[o + j];
      d += t * t;
    }
    if (d < best) best = d;
  }
  return Math.sqrt(best);
}

let cached: Promise<NoveltyIndex | null> | null = null;

/**
 * The index built from the MNIST training file, once per process (~1 s). Resolves to null
 * when MNIST is not available: the gate is then skipped rather than failing every reading.
 */
export function defaultNoveltyIndex(): Promise<NoveltyIndex | null> {
  // Uncached: only the prototypes stay in memory, not the ~190 MB of decoded training images.
  cached ??= loadMnistSplit('train-full', { cache: false, limit: PROTOTYPE_SOURCE_IMAGES }).then(
    (ds) => buildNoveltyIndex(ds.images, ds.labels, ds.n),
    () => null,
  );
  return cached;
}
