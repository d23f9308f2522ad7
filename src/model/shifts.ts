/**
 * Test-time augmentation for the served 11-class model: a mark's probabilities are the mean over
 * its 28×28 image and the image shifted by one pixel left, right, up and down. A crop the
 * pipeline centred a pixel off (a stroke's anti-aliased edge, a piece of grain) reads the same
 * from every side. Chosen with cnn-r11 on the synthetic dev split (pictures 0-999) and MNIST
 * validation PNGs, never a test split: dev digit pictures answered right 733 → 738 of 800 (wrong
 * 31 → 26), non-digits answered "no digit" 182 → 185 of 200, MNIST validation PNGs 99.48 → 99.51 %
 * right (refused 0.08 → 0.09 %).
 *
 * Only marks still in play are shifted: a mark the plain image already puts at p("not a digit")
 * ≥ SETTLED (grain, line pieces: most of a noisy photo's candidates) keeps its plain
 * probabilities, so a picture of 36 candidate marks costs about 36 + 4 × (its few digit-like
 * ones) images, not 5 × 36. A 10-class model is served as it is (its rule gates were calibrated
 * on plain probabilities).
 */
import { IMAGE_SIDE as SIDE, IMAGE_SIZE as SIZE } from '../data/mnist.ts';
import type { DigitClassifier } from './classifier.ts';

/** The four one-pixel shifts (dx, dy) averaged with the image itself. */
const SHIFTS: readonly (readonly [number, number])[] = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];
/** A mark at least this sure "not a digit" on the plain image is not shifted. */
export const SETTLED = 0.99;

/** The classifier as served: 11-class models averaged over shifts, others unchanged. */
export function served(classifier: DigitClassifier): DigitClassifier {
  if (classifier.classes?.length !== 11) return classifier;
  return {
    name: classifier.name,
    classes: classifier.classes,
    predictProbs: (images, n) => averagedOverShifts(classifier, images, n),
  };
}

/** The mean of the class probabilities over each image and its one-pixel shifts (marks in play only). */
export function averagedOverShifts(classifier: DigitClassifier, images: Float32Array, n: number): Float32Array {
  const plain = classifier.predictProbs(images, n);
  const k = plain.length / n;
  const inPlay: number[] = [];
  for (let i = 0; i < n; i++) if (k < 11 || plain[i * k + 10]! < SETTLED) inPlay.push(i);
  if (inPlay.length === 0) return plain;
  const shifted = new Float32Array(inPlay.length * SHIFTS.length * SIZE);
  inPlay.forEach((i, j) => {
    SHIFTS.forEach(([dx, dy], s) => shift(images, i * SIZE, shifted, (j * SHIFTS.length + s) * SIZE, dx, dy));
  });
  const probs = classifier.predictProbs(shifted, inPlay.length * SHIFTS.length);
  const out = Float32Array.from(plain);
  const parts = SHIFTS.length + 1;
  inPlay.forEach((i, j) => {
    for (let c = 0; c < k; c++) {
      let sum = plain[i * k + c]!;
      for (let s = 0; s < SHIFTS.length; s++) sum += probs[(j * SHIFTS.length + s) * k + c]!;
      out[i * k + c] = sum / parts;
    }
  });
  return out;
}

/** dst = src moved by (dx, dy) pixels, zeros (background) where it comes from outside. */
function shift(src: Float32Array, from: number, dst: Float32Array, to: number, dx: number, dy: number): void {
  for (let y = 0; y < SIDE; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= SIDE) continue;
    for (let x = 0; x < SIDE; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < SIDE) dst[to + y * SIDE + x] = src[from + sy * SIDE + sx]!;
    }
  }
}
