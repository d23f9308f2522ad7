/**
 * Limits and tuning knobs of the image pipeline. One object so that the bot, the predict script
 * and the tests can override a single value (`readDigits(bytes, model, { maxBytes: 1e6 })`).
 */
export interface VisionOptions {
  /** Files larger than this are refused before anything is parsed (Discord allows 25 MB uploads). */
  maxBytes: number;
  /** Width × height read from the header; larger pictures are refused before decoding. */
  maxPixels: number;
  /** Pictures with a side shorter than this hold no readable digit; refused as 'too-small'. */
  minSide: number;
  /** Wall-clock budget for one picture, decode included. */
  timeBudgetMs: number;
  /**
   * The picture is shrunk so that its longest side is at most this before the per-pixel work:
   * a digit keeps plenty of pixels (it ends up 20 px tall) and the cost stays bounded.
   */
  workingSize: number;
  /** More separate marks than this is text, a drawing or noise, not a number. */
  maxDigits: number;
  /** Below this relative contrast (0..1) between ink and paper a pixel is never ink. */
  minInkContrast: number;
  /** A component smaller than this fraction of the largest one is a speck. */
  speckFraction: number;
  /** Absolute speck size, as a fraction of the working picture's area. */
  minSpeckArea: number;
  /**
   * A digit whose best class has a probability below this is not trusted ("no digit").
   * Calibrated with `npm run pipeline-accuracy -- --split dev --mnist-split validation --sweep`
   * (synthetic dev pictures 0-399, MNIST validation as PNGs; never a test split): with
   * maxNovelty 3.0, MNIST validation 99.42 % right / 0.16 % refused (2.4 refused 1.09 %), dev
   * digits 87.5 % right, dev non-digits 53.8 % answered "no digit" (67.5 % at 2.4: the price).
   */
  minConfidence: number;
  /**
   * The same gate for an 11-class model, whose marks are already sorted into digits and "not a
   * digit": below this a digit mark makes the answer "not sure". Calibrated for cnn-b11 with
   * `pipeline-accuracy --sweep` on the synthetic dev split (pictures 0-399) and MNIST validation
   * PNGs: 0.4 keeps MNIST validation refusals at 0.23 % (0.6: 0.52 %) for the same dev figures.
   */
  minMarkConfidence: number;
  /** Ink covering more than this fraction of the picture is not handwriting (a photo, noise). */
  maxInkFraction: number;
  /** A segment wider than this × its height is not one digit (a line, a word). */
  maxAspect: number;
  /** A segment whose ink fills more than this fraction of its box is a blob, not strokes. */
  maxFill: number;
  /**
   * A 28x28 image farther than this from every MNIST prototype (see novelty.ts) is not a digit
   * (a shape, a letter, a scribble). Infinity turns the gate off (and skips loading MNIST).
   */
  maxNovelty: number;
  /**
   * Digits that touch (touching.ts): a connected segment may be cut into up to this many
   * digits. 1 (the default) never cuts: with 4, 150 touching pairs of MNIST test digits went from
   * 0% to 77-83% read right, but 18 of the first 2,000 single MNIST digits were read as several
   * (errors among accepted 9 → 27; refusals 30 → 14). Cutting a 4-digit blob costs ~0.5 s.
   */
  touchingDigits: number;
  /** A piece of a cut segment counts as a digit only with at least this confidence. */
  pieceMinConfidence: number;
}

export const DEFAULT_VISION_OPTIONS: Readonly<VisionOptions> = Object.freeze({
  maxBytes: 25 * 1024 * 1024,
  maxPixels: 50_000_000,
  minSide: 8,
  timeBudgetMs: 8_000,
  workingSize: 800,
  maxDigits: 12,
  minInkContrast: 0.12,
  speckFraction: 0.04,
  minSpeckArea: 0.00004,
  minConfidence: 0.6,
  minMarkConfidence: 0.4,
  maxInkFraction: 0.45,
  maxAspect: 2.5,
  maxFill: 0.75,
  maxNovelty: 3.0,
  touchingDigits: 1,
  pieceMinConfidence: 0.95,
});

/** Merges user overrides onto the defaults, ignoring `undefined` values. */
export function resolveOptions(options: Partial<VisionOptions> = {}): VisionOptions {
  const out: VisionOptions = { ...DEFAULT_VISION_OPTIONS };
  for (const [k, v] of Object.entries(options) as [keyof VisionOptions, number | undefined][]) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}
