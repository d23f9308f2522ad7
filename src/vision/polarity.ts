/**
 * Step 2b: which way round is the ink? Strokes are narrow; paper, screen, desk, shadows and lit
 * patches are wide. So the two morphological top-hats of the luminance are compared, at a few
 * window sizes: the black
 * top-hat (closing − picture) holds what is darker than its surroundings and narrower than the
 * window, the white top-hat (picture − opening) what is lighter and narrow. Wide regions and
 * light ramps (a desk past the page edge, a lit band, a soft shadow) leave both nearly empty,
 * which the skew of a blurred high-pass did not: a bright page on a dark desk looked like light
 * ink. When the two are too close to tell (empty pictures), the picture's border decides: it is
 * almost always background.
 */
import { topHatHistograms } from './morphology.ts';
import type { FloatImage } from './raster.ts';

export type Polarity = 'dark-on-light' | 'light-on-dark';

export interface PolarityDecision {
  polarity: Polarity;
  /**
   * log of (dark narrow structure strength / light narrow structure strength): positive means dark
   * ink. (Named skew for the callers that print it.)
   */
  skew: number;
  /** Which cue decided. */
  by: 'skew' | 'border';
}

/** |log ratio| below this is "can't tell" and the border decides. */
const MIN_LOG_RATIO = Math.log(1.5);
/** Top-hat windows (px, working size): strokes from 1-2 px (an MNIST file) to ~25 px (a marker). */
const WINDOWS = [5, 11, 23, 47];
/** Added to both top-hat strengths (0..255): differences within paper grain and JPEG noise do not count. */
const NOISE = 6;
const QUANTILES = [0.99, 0.999];
/** A border with this fraction of its pixels within EVEN_BORDER (0..255) of its median is a drawing app's even canvas... */
const EVEN_FRACTION = 0.9;
const EVEN_BORDER = 3;
/** ...which decides the polarity unless the top-hats' log ratio is at least this clear. */
const CLEAR_RATIO = 8;

export function detectPolarity(lum: FloatImage): PolarityDecision {
  const { width: w, height: h, data } = lum;
  // At a window a little wider than the strokes only the ink side shows narrow structures; at a
  // window wider than the digit's loops both sides do. Summed over scales, the ink side wins.
  let ratio = 0;
  const short = Math.min(w, h);
  for (const { dark: darkHist, light: lightHist } of topHatHistograms(lum, WINDOWS.filter((k) => k <= short / 2))) {
    // The strength of the strongest narrow structures (the strokes), at two quantiles: the 99th
    // sees ink covering 1 % of the picture, the 99.9th a small thin digit. Between ruled lines
    // the whole page is "light and narrow", but only by the lines' faint contrast.
    for (const q of QUANTILES) ratio += Math.log((quantileOf(darkHist, data.length, q) + NOISE) / (quantileOf(lightHist, data.length, q) + NOISE));
  }
  const border = borderStats(lum);
  // A flat, even border (a drawing app's canvas) is the background unless the strokes say
  // otherwise very clearly; a photo's border (desk, paper, shadow, grain) says little.
  const evenCanvas = border.even >= EVEN_FRACTION && Math.abs(ratio) < CLEAR_RATIO;
  if (!evenCanvas && Math.abs(ratio) >= MIN_LOG_RATIO) {
    return { polarity: ratio > 0 ? 'dark-on-light' : 'light-on-dark', skew: ratio, by: 'skew' };
  }
  // Border vs the whole picture: a background brighter than average means dark ink.
  let all = 0;
  for (let i = 0; i < data.length; i++) all += data[i];
  const polarity = border.median >= all / data.length ? 'dark-on-light' : 'light-on-dark';
  return { polarity, skew: ratio, by: 'border' };
}

/** Median luminance of the border, and the fraction of border pixels within EVEN_BORDER of it. */
function borderStats(lum: FloatImage): { median: number; even: number } {
  const { width: w, height: h, data } = lum;
  const hist = new Uint32Array(256);
  let n = 0;
  const add = (v: number): void => {
    hist[clampByte(v)]++;
    n++;
  };
  for (let x = 0; x < w; x++) {
    add(data[x]);
    add(data[(h - 1) * w + x]);
  }
  for (let y = 1; y < h - 1; y++) {
    add(data[y * w]);
    add(data[y * w + w - 1]);
  }
  const median = quantileOf(hist, n, 0.5);
  let near = 0;
  for (let b = Math.max(0, median - EVEN_BORDER); b <= Math.min(255, median + EVEN_BORDER); b++) near += hist[b];
  return { median, even: near / n };
}

/**
 * Rounded to 0..255. Math.floor(v + 0.5) is Math.round(v) for every double but 0.5 − 2⁻⁵⁴, which
 * no difference of two luminances (float32 multiples of 2⁻²⁷ or coarser) can be; V8 runs it
 * several times faster in the histogram loops.
 */
function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
}

function quantileOf(hist: Uint32Array, n: number, q: number): number {
  let acc = 0;
  for (let b = 0; b < 256; b++) {
    acc += hist[b];
    if (acc >= q * n) return b;
  }
  return 255;
}
