/**
 * Step 4b: the model reads the segments and, when `touchingDigits` > 1, decides which of them
 * are digits that touch. A segment wider than one digit (cut.ts, SPLIT_ASPECT), or one that is
 * not a trusted digit as a whole (it fails the final gates of reject.ts: unsure model, unlike any
 * MNIST digit), is cut at its candidate columns and every piece between two candidate cuts is
 * read. A piece can be a digit when the model is sure of it (`pieceMinConfidence`, stricter than
 * the final gate) and it is near some MNIST digit (`maxNovelty`). Among the cuttings into at most
 * `touchingDigits` pieces that are all digits, and the uncut segment when it passes the gates,
 * the one with the largest product of confidences wins (dynamic programming over the pieces).
 *
 * Measured with touchingDigits 4 (scratch scripts; the first 2,000 MNIST test digits as 28x28
 * files at the default gates; pairs of MNIST test digits side by side, inks overlapping by 1-3
 * px, one connected segment): pairs read right 0% → 83% (150 pairs from test image 5,000, used
 * to choose the constants) and 0% → 77% (150 from image 9,000, held out); single digits read as
 * several 0 → 18 (wrong among accepted 9 → 27, refused 30 → 14: messy digits whose pieces the
 * model reads confidently). Hence off by default. A wide 0, 2, 4, 5 or 7 stays whole. Weighting
 * pieces by a likelihood of their novelty, or trying only wide segments, read fewer pairs right.
 */
import type { DigitClassifier } from '../model/classifier.ts';
import type { Analysis } from './pipeline.ts';
import type { VisionOptions } from './options.ts';
import { bestPartition, pieceOf, SPLIT_ASPECT } from './cut.ts';
import { defaultNoveltyIndex, noveltyScore } from './novelty.ts';
import { segmentTo28, SIDE, type DigitImage } from './to28.ts';

export interface ReadDigit {
  digit: DigitImage;
  /** The model's class probabilities for `digit.image` (10 digits, then "not a digit" for an 11-class model). */
  probs: Float32Array;
}

type CutOptions = Pick<VisionOptions, 'touchingDigits' | 'pieceMinConfidence' | 'minConfidence' | 'maxNovelty'>;

/** All digits of the picture, left to right, with touching digits cut apart. */
export async function readSegments(a: Analysis, classifier: DigitClassifier, opts: CutOptions): Promise<ReadDigit[]> {
  const whole = predict(classifier, a.digits);
  const out: ReadDigit[][] = a.digits.map((d, i) => [{ digit: d, probs: whole[i] }]);
  const candidates = a.digits.map((_, i) => i).filter((i) => a.cuts[i].length > 0);
  if (opts.touchingDigits <= 1 || candidates.length === 0) return out.flat();
  const index = Number.isFinite(opts.maxNovelty) ? await defaultNoveltyIndex() : null;
  /** log confidence of reading `d` as one digit; -Infinity when it is not sure or unlike a digit. */
  const judge = (d: DigitImage, probs: Float32Array, minConfidence: number): number => {
    const p = best(probs);
    if (p < minConfidence || (index && noveltyScore(index, d.image) > opts.maxNovelty)) return -Infinity;
    return Math.log(p);
  };
  const { labels, width } = a.norm.labelling;
  const tries: { index: number; bounds: number[]; pieces: Map<number, number>; whole: number }[] = [];
  const images: DigitImage[] = [];
  for (const i of candidates) {
    const seg = a.segmentation.segments[i];
    const wholeScore = judge(a.digits[i], whole[i], opts.minConfidence);
    if (wholeScore > -Infinity && seg.box.width < SPLIT_ASPECT * seg.box.height) continue;
    const bounds = [seg.box.x, ...a.cuts[i], seg.box.x + seg.box.width];
    const pieces = new Map<number, number>();
    for (let p = 0; p < bounds.length - 1; p++) {
      for (let q = p + 1; q < bounds.length; q++) {
        if (p === 0 && q === bounds.length - 1) continue;
        const piece = pieceOf(labels, width, seg, bounds[p], bounds[q]);
        if (piece) pieces.set(p * bounds.length + q, images.push(segmentTo28(a.source, piece)) - 1);
      }
    }
    tries.push({ index: i, bounds, pieces, whole: wholeScore });
  }
  const read = predict(classifier, images);
  for (const t of tries) {
    const n = t.bounds.length - 1;
    const score = (p: number, q: number): number => {
      if (p === 0 && q === n) return t.whole;
      const k = t.pieces.get(p * t.bounds.length + q);
      return k === undefined ? -Infinity : judge(images[k], read[k], opts.pieceMinConfidence);
    };
    const used = bestPartition(n, score, opts.touchingDigits);
    if (used.length <= 2) continue;
    out[t.index] = used.slice(1).map((q, s) => {
      const k = t.pieces.get(used[s] * t.bounds.length + q)!;
      return { digit: images[k], probs: read[k] };
    });
  }
  return out.flat();
}

/** One batch through the model; one row of class probabilities per image (10, or 11 with "not a digit"). */
function predict(classifier: DigitClassifier, digits: DigitImage[]): Float32Array[] {
  const n = digits.length;
  if (n === 0) return [];
  const batch = new Float32Array(n * SIDE * SIDE);
  digits.forEach((d, i) => batch.set(d.image, i * SIDE * SIDE));
  const probs = classifier.predictProbs(batch, n);
  const k = probs.length / n;
  return digits.map((_, i) => probs.subarray(i * k, i * k + k));
}

/** The probability of the most likely digit (never of "not a digit"). */
function best(probs: Float32Array): number {
  let m = 0;
  for (let j = 0; j < 10; j++) if (probs[j] > m) m = probs[j];
  return m;
}
