/**
 * Step 5: "no digit found". Cheap gates before the model — the shape of each segment (a mark
 * that fails it is dropped, not the picture), then the picture as a whole — and the model's own
 * confidence and the novelty distance after it. The thresholds live in VisionOptions;
 * `npm run pipeline-accuracy` measures both error rates (real digits refused, non-digits read)
 * and calibrates the last two (`--sweep`, dev split and MNIST validation only).
 */
import type { Normalised } from './normalise.ts';
import type { Segment, Segmentation } from './segment.ts';
import type { VisionOptions } from './options.ts';
import type { Box, FloatImage } from './raster.ts';
import type { Polarity } from './polarity.ts';
import { otsuThreshold } from './threshold.ts';

export type RejectOptions = Pick<VisionOptions, 'maxDigits' | 'maxInkFraction' | 'maxAspect' | 'maxFill' | 'minConfidence' | 'maxNovelty'>;

/** Smallest readable digit, working pixels (a 12-px digit has lost its shape already). */
const MIN_HEIGHT = 12;
/** ...or than this fraction of the picture's short side, whichever is smaller. */
const SMALL_PICTURE = 0.25;
/** Segments smaller than this (working px) are not checked for being solid blobs. */
const SOLID_MIN_SIZE = 40;

/**
 * With a model that knows "not a digit", a picture with more marks than this (after the speck
 * filter) is noise or a page of text, refused whatever the model says. On the synthetic dev
 * split (pictures 0-399, and the dev-seed photos 400-599) the digit pictures read right have at
 * most 42 marks, the noise pictures 89 to 915; four lines of typed text (test fixture) have 82.
 */
export const NOISE_MARKS = 64;

/**
 * Why the picture as a whole holds no number, or null. With a model that knows "not a digit"
 * (`learned`), more marks than digits are fine — the segmentation keeps the 3 × maxDigits most
 * plausible (segment.ts `maxMarks`) and the model drops the ones that are not digits — and only a
 * picture of noise (more than NOISE_MARKS marks) is refused before it.
 */
export function pictureVerdict(norm: Normalised, seg: Segmentation, opts: RejectOptions, learned = false): string | null {
  if (norm.inkFraction > opts.maxInkFraction) return 'not a digit: the picture is mostly ink (a photo or a pattern?)';
  if (seg.segments.length === 0) return seg.rejected[0]?.reason ?? 'blank image: no ink found';
  if (tooManyMarks(norm, seg, opts, learned)) return 'not a digit: too many separate marks (noise or text?)';
  if (!learned && seg.segments.length > opts.maxDigits) return `not a number: more than ${opts.maxDigits} separate marks (text?)`;
  return null;
}

/** `pictureVerdict` refuses the picture for more marks than a picture of digits has (noise, text, or the pieces of lines). */
export function tooManyMarks(norm: Normalised, seg: Segmentation, opts: Pick<RejectOptions, 'maxInkFraction' | 'maxDigits'>, learned = false): boolean {
  return norm.inkFraction <= opts.maxInkFraction && seg.segments.length > 0 && seg.marks > (learned ? NOISE_MARKS : 3 * opts.maxDigits);
}

/** Why one segment is not a digit (too small, a line, a blob), or null; such a segment is dropped as a mark. */
export function segmentVerdict(s: Segment, norm: Normalised, opts: RejectOptions): string | null {
  const { width, height } = s.box;
  // In a small picture (a 28x28 MNIST file) a digit is ~20 px: the limit shrinks with the picture.
  if (Math.max(width, height) < Math.min(MIN_HEIGHT, SMALL_PICTURE * Math.min(norm.mask.width, norm.mask.height))) return 'too small to read';
  if (width > opts.maxAspect * height) return 'not a digit: a mark wider than it is tall';
  return solidVerdict(s, norm, opts);
}

/** A solid shape (a filled disc, a mug), not strokes, or null. */
function solidVerdict(s: Segment, norm: Normalised, opts: Pick<RejectOptions, 'maxFill'>): string | null {
  if (roundish(s.box) && Math.max(s.area / (s.box.width * s.box.height), solidity(norm.lum, s.box, norm.polarity.polarity)) > opts.maxFill) {
    return 'not a digit: a solid shape, not strokes';
  }
  return null;
}

/**
 * A straight 1 fills its narrow box: only shapes with some width can be "solid". Only judged on
 * segments big enough to have a shape: at 28 px a bold MNIST 8 is nearly solid.
 */
function roundish({ width, height }: Box): boolean {
  return width >= 0.4 * height && height >= 0.4 * width && Math.max(width, height) >= SOLID_MIN_SIZE;
}

/**
 * The plain luminance inside `box` is mostly ink: a filled shape. A shape wider than the
 * paper-estimation window reaches the model as a ring, which an 11-class model reads as a 0
 * (read.ts overrules that 0).
 */
export function looksSolid(box: Box, norm: Normalised, opts: Pick<RejectOptions, 'maxFill'>): boolean {
  return roundish(box) && solidity(norm.lum, box, norm.polarity.polarity) > opts.maxFill;
}

/**
 * Fraction of the segment's box on the ink side of an Otsu split of the raw luminance. The ink
 * mask alone cannot see a solid shape larger than the paper-estimation window (its middle
 * passes for paper, leaving a ring that reads as a 0); within one digit's box the light is
 * nearly even, so the plain luminance can.
 */
export function solidity(lum: FloatImage, box: Box, polarity: Polarity): number {
  const n = box.width * box.height;
  const values = new Float32Array(n);
  let k = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) values[k++] = lum.data[y * lum.width + x] / 255;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo < 0.05) return 1;
  for (let i = 0; i < n; i++) values[i] = (values[i] - lo) / (hi - lo);
  const t = otsuThreshold(values);
  let ink = 0;
  for (const v of values) if (polarity === 'dark-on-light' ? v < t : v > t) ink++;
  return ink / n;
}

/** Why an image unlike any training digit is not read, or null. */
export function noveltyVerdict(score: number, opts: RejectOptions): string | null {
  if (score > opts.maxNovelty) return 'not a digit: it does not look like handwriting of a digit';
  return null;
}

/** Why the model's answer is not trusted, or null. */
export function confidenceVerdict(best: number, p: number, opts: Pick<RejectOptions, 'minConfidence'>): string | null {
  if (p < opts.minConfidence) return `not sure it is a digit (best guess ${best} at ${Math.round(p * 100)}%)`;
  return null;
}
