/**
 * The pure part of the pipeline, from decoded RGBA to the 28x28 images to classify and the
 * reasons to refuse. Synchronous and free of sharp, so it is tested (and timed) alone.
 */
import { normalise, type LookBase, type Normalised, type NormaliseOptions, type StepTimer } from './normalise.ts';
import { segmentDigits, type Segmentation } from './segment.ts';
import { segmentTo28, type DigitImage, type InkSource } from './to28.ts';
import { proposeCuts } from './cut.ts';
import { pictureVerdict, segmentVerdict } from './reject.ts';
import type { RgbaImage } from './raster.ts';
import type { VisionOptions } from './options.ts';

export interface Analysis {
  norm: Normalised;
  segmentation: Segmentation;
  /** One per segment, left to right (also when the picture is refused, for --explain). */
  digits: DigitImage[];
  /** Per segment: where it could be cut if it is digits that touch (cut.ts); empty unless `touchingDigits` > 1. */
  cuts: number[][];
  /** What `segmentTo28` reads the ink from (also for the pieces of a cut segment). */
  source: InkSource;
  /** Set when the picture holds no digit we should try to read. */
  reason: string | null;
}

/** What a look again at the same picture changes in the first look's options. */
export type LookOptions = Pick<NormaliseOptions, 'thresholdBelow' | 'lines' | 'wideOnly'>;

/**
 * `learned`: the model knows "not a digit" (11 classes), so every candidate mark is handed to it
 * (the 3 × maxDigits most plausible when there are more: grain, grid fragments) and the hand-set
 * shape rules of reject.ts are not applied. `base`: an earlier analysis's `norm.base` (a second
 * look at the same picture), so that flattening, polarity and the ink maps are not made again.
 */
export function analyse(
  img: RgbaImage,
  opts: VisionOptions & LookOptions,
  learned = false,
  lap?: StepTimer,
  base?: LookBase,
): Analysis {
  const norm = normalise(img, opts, lap, base);
  const candidates = 3 * opts.maxDigits;
  // Rules (10-class model): one mark that is not a digit (a line, a blob) is dropped; the picture
  // is refused only when no mark is left. Learned (11-class model): the model drops such marks.
  const segmentation = segmentDigits(
    norm.labelling,
    learned ? { ...opts, maxMarks: candidates } : { ...opts, notADigit: (s) => segmentVerdict(s, norm, opts) },
  );
  const reason = pictureVerdict(norm, segmentation, opts, learned);
  lap?.('segmentation');
  // Turning 500 noise blobs into 28x28 images is wasted work: only do it for a plausible number.
  const cap = learned ? candidates : opts.maxDigits;
  const segs = segmentation.segments.length <= cap ? segmentation.segments : [];
  const source = { ink: norm.ink, labels: norm.labelling.labels, noiseFloor: norm.noiseFloor, threshold: norm.threshold };
  const digits = segs.map((s) => segmentTo28(source, s));
  lap?.('28x28');
  const cuts = segs.map((s) => (reason || opts.touchingDigits <= 1 ? [] : proposeCuts(norm.labelling.labels, norm.labelling.width, s)));
  return { norm, segmentation, digits, cuts, source, reason };
}
