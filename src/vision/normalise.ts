/**
 * Step 2: RGBA at working size → soft ink map + binary ink mask + its connected components.
 * Composes flatten → polarity → illumination → threshold → lines → labelling; each is tested alone.
 */
import { flattenWithLuminance, type FlatImage } from './flatten.ts';
import { detectPolarity, type PolarityDecision } from './polarity.ts';
import { inkMap } from './illumination.ts';
import { dilateMask } from './morphology.ts';
import { binarize, otsuHistogram, otsuOfHistogram, quantileHistogram, quantilesOfHistogram } from './threshold.ts';
import { binarizeSimd, inkHistogramsSimd, noiseHistogramSimd } from './morphologyWasm.ts';
import { labelComponents, strokeWidth, type Labelling } from './components.ts';
import { removeLines, type Line, type LineMode } from './lines.ts';
import { countInk, type FloatImage, type MaskImage, type RgbaImage } from './raster.ts';

export interface Normalised {
  /** Luminance 0..255 after flattening, before any correction (for shape checks). */
  lum: FloatImage;
  /** Ink strength 0..1 (1 = the darkest/lightest ink relative to the local paper). */
  ink: FloatImage;
  /** The ink mask, ruled/grid lines and page/desk edges removed (lines.ts). */
  mask: MaskImage;
  labelling: Labelling;
  /** The lines removed from the mask. */
  lines: Line[];
  /** Line candidates left in the mask that `lines: 'every'` would remove. */
  linesSpared: number;
  polarity: PolarityDecision;
  alphaIsInk: boolean;
  threshold: number;
  /** Ink below this is paper noise; `to28` subtracts it before stretching. */
  noiseFloor: number;
  /** Median-ish stroke width of the mask, working pixels. */
  strokeWidth: number;
  /** Window (px) used to estimate the paper. */
  backgroundWindow: number;
  /** Fraction of the picture that is ink. */
  inkFraction: number;
  /** What does not depend on the threshold, for a second look at the same picture (`normalise`'s `base`). */
  base: LookBase;
}

/**
 * The threshold-free part of a look: the flattened picture, its luminance and polarity, and the
 * ink maps made so far (by background window). A second look with a lower threshold reuses them.
 */
export interface LookBase {
  flat: FlatImage;
  lum: FloatImage;
  polarity: PolarityDecision;
  inkMaps: Map<number, FloatImage>;
}

function lookBase(img: RgbaImage, lap?: StepTimer): LookBase {
  const { flat, lum } = flattenWithLuminance(img);
  lap?.('flatten');
  const polarity: PolarityDecision = flat.alphaIsInk
    ? { polarity: 'dark-on-light', skew: 0, by: 'skew' }
    : detectPolarity(lum);
  lap?.('polarity');
  return { flat, lum, polarity, inkMaps: new Map() };
}

/**
 * The same picture read the other way round (a look again when the polarity was a close call):
 * the flattening and luminance reused, ink maps of its own.
 */
export function otherPolarity(base: LookBase): LookBase {
  const polarity = base.polarity.polarity === 'dark-on-light' ? 'light-on-dark' : 'dark-on-light';
  return { ...base, polarity: { ...base.polarity, polarity }, inkMaps: new Map() };
}

/** The ink map of window `size`, made once per picture. */
function inkMapOf(base: LookBase, size: number): FloatImage {
  let ink = base.inkMaps.get(size);
  if (!ink) base.inkMaps.set(size, (ink = inkMap(base.flat, base.polarity.polarity, size)));
  return ink;
}

export interface NormaliseOptions {
  minInkContrast: number;
  /**
   * A second look for faint ink: the threshold is chosen among the ink values below this one only
   * (e.g. the first look's threshold, which a dark desk or shadow pushed above a pencil's strokes).
   */
  thresholdBelow?: number;
  /** Which lines leave the mask (lines.ts); default `ruled`. */
  lines?: LineMode;
  /**
   * Keep the wide window's ink map (a look again): a window fitted to thin strokes (grid lines,
   * grain) hollows a marker's thick strokes into outlines.
   */
  wideOnly?: boolean;
}

/**
 * Called with a step's name as each step ends, for `bench-vision --profile`: the caller reads the
 * clock, the steps stay pure. Absent in normal use.
 */
export type StepTimer = (step: string) => void;

/** `base`: from an earlier look at the same picture (its `Normalised.base`), reused as it is. */
export function normalise(img: RgbaImage, opts: NormaliseOptions, lap?: StepTimer, base = lookBase(img, lap)): Normalised {
  const { flat, lum, polarity } = base;
  const { width: w, height: h } = img;
  // First pass with a wide window (safe for any stroke), then a window fitted to the strokes so
  // that shadow edges leave only a thin band behind.
  const wide = wideWindow(w, h);
  let ink = inkMapOf(base, wide);
  let threshold = chooseThreshold(ink, opts.minInkContrast, opts.thresholdBelow);
  let { mask, strokeWidth: sw } = inkMask(ink, threshold);
  lap?.('ink map (wide)');
  const fitted = odd(Math.min(wide, Math.max(7, 4 * sw + 3)));
  let window = wide;
  if (fitted < wide && !opts.wideOnly) {
    ink = inkMapOf(base, fitted);
    threshold = chooseThreshold(ink, opts.minInkContrast, opts.thresholdBelow);
    ({ mask, strokeWidth: sw } = inkMask(ink, threshold));
    window = fitted;
  }
  lap?.('ink map (fitted)');
  // The paper noise is measured away from all ink, lines included.
  const floor = noiseFloor(ink, mask, threshold);
  const strokes = sw;
  lap?.('noise floor');
  const { mask: clean, lines, spared } = removeLines(mask, opts.lines);
  lap?.('lines');
  const labelling = labelComponents(clean);
  const inkCount = countInk(clean.data);
  lap?.('components');
  return {
    lum,
    ink,
    mask: clean,
    labelling,
    lines,
    linesSpared: spared,
    polarity,
    alphaIsInk: flat.alphaIsInk,
    threshold,
    noiseFloor: floor,
    strokeWidth: strokes,
    backgroundWindow: window,
    inkFraction: inkCount / mask.data.length,
    base,
  };
}

/**
 * Paper noise: the threshold is at least this many standard deviations of the paper's grain
 * above its median. Chosen on the synthetic dev split (pictures 0-399) and the dev-seed photos
 * 400-599 with cnn-r11: 2.5 read one more dev digit but answered three more wrong, 3.5 read two
 * more non-digits as digits; MNIST PNGs have no grain and do not change.
 */
const NOISE_SIGMAS = 3;

/**
 * Otsu, but never below the minimum contrast (on a blank page Otsu would split the noise) nor
 * inside the paper's grain. The paper estimate is a closing (the brightest grain nearby), so on
 * noisy paper every pixel departs from it a little: the ink map's median is the paper and its
 * lower half, which holds no ink, gives the grain's spread. A small digit on grainy paper used to
 * leave Otsu splitting the grain, hundreds of grain blobs as marks, and the digit glued to them.
 */
export function chooseThreshold(ink: FloatImage, minInkContrast: number, below = Infinity): number {
  const hist = thresholdHistograms(ink.data, below);
  const [q25, q50] = quantilesOfHistogram(hist.quantiles, ink.data.length, [0.25, 0.5]);
  const grain = q50 + (NOISE_SIGMAS * (q50 - q25)) / NORMAL_Q75;
  const otsu = hist.otsuCount > 0 ? otsuOfHistogram(hist.otsu, hist.otsuCount) : below;
  return Math.max(minInkContrast, Math.min(0.5, below, Math.max(otsu, grain)));
}

/** The quantile histogram of every ink value and Otsu's of those below `below`: in one pass in the SIMD module when loaded. */
function thresholdHistograms(data: Float32Array, below: number): { quantiles: Uint32Array; otsu: Float64Array; otsuCount: number } {
  const simd = inkHistogramsSimd(data, below);
  if (simd) return { ...simd, otsuCount: simd.otsu.reduce((a, b) => a + b, 0) };
  const values = Number.isFinite(below) ? data.filter((v) => v < below) : data;
  return { quantiles: quantileHistogram(data), otsu: otsuHistogram(values), otsuCount: values.length };
}

/** The upper quartile of a standard normal: (median − lower quartile) / this is the standard deviation. */
const NORMAL_Q75 = 0.6745;

/** The ink mask (`ink > threshold`) and its stroke width (2·area / perimeter): in the SIMD module when loaded, the same mask and counts. */
function inkMask(ink: FloatImage, threshold: number): { mask: MaskImage; strokeWidth: number } {
  const simd = binarizeSimd(ink, threshold);
  if (simd) return { mask: simd.mask, strokeWidth: strokeWidth(simd.area, simd.perimeter) };
  const mask = binarize(ink, threshold);
  return { mask, strokeWidth: maskStrokeWidth(mask) };
}

/** The mask's stroke width from its ink pixels and those with a 4-neighbour outside the ink or the picture; exported for the tests. */
export function maskStrokeWidth(mask: MaskImage): number {
  const { width: w, height: h, data } = mask;
  let area = 0;
  let perimeter = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!data[i]) continue;
      area++;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !data[i - 1] || !data[i + 1] || !data[i - w] || !data[i + w]) {
        perimeter++;
      }
    }
  }
  return strokeWidth(area, perimeter);
}

/**
 * 99th percentile of the ink map away from the strokes (their anti-aliased edges are real ink,
 * not noise), capped well under the threshold.
 */
function noiseFloor(ink: FloatImage, mask: MaskImage, threshold: number): number {
  const hist = noiseHistogramSimd(ink, mask, NEAR_INK) ?? noiseHistogramJs(ink, mask);
  const count = hist.reduce((a, b) => a + b, 0);
  if (count === 0) return 0;
  let acc = 0;
  let p99 = 0;
  for (let b = 0; b <= 100; b++) {
    acc += hist[b];
    if (acc >= 0.99 * count) {
      p99 = b / 100;
      break;
    }
  }
  return Math.min(p99, 0.5 * threshold);
}

/** Ink within this window (px) of a pixel keeps it out of the paper noise. */
const NEAR_INK = 7;

/** The histogram of round(ink · 100) away from the ink (the SIMD module's noiseHistogramSimd twin; exported for the tests). */
export function noiseHistogramJs(ink: FloatImage, mask: MaskImage): Uint32Array {
  const near = dilateMask(mask, NEAR_INK).data;
  const hist = new Uint32Array(101);
  for (let i = 0; i < ink.data.length; i++) {
    if (near[i]) continue;
    // Math.floor(v + 0.5) is Math.round(v) for all but one double, which a float32 × 100 never is
    hist[Math.min(100, Math.max(0, Math.floor(ink.data[i] * 100 + 0.5)))]++;
  }
  return hist;
}

/** The first look's background window (px): safe for any stroke of a digit in a w × h picture. */
export function wideWindow(w: number, h: number): number {
  return odd(Math.max(15, Math.min(w, h) / 5));
}

function odd(x: number): number {
  return Math.round(x) | 1;
}
