/**
 * Step 2b: which way round is the ink? Handwriting is a minority of the pixels, so once slow
 * light changes are removed (luminance minus a wide blur) the distribution has a long tail on
 * the ink side: negative skew for dark ink on light paper, positive for light strokes on a dark
 * screen. When the skew is too weak to tell (very heavy strokes, empty pictures), the picture's
 * border decides: it is almost always background.
 */
import { boxBlur } from './morphology.ts';
import type { FloatImage } from './raster.ts';

export type Polarity = 'dark-on-light' | 'light-on-dark';

export interface PolarityDecision {
  polarity: Polarity;
  /** Skewness of the high-passed luminance; negative means dark ink. */
  skew: number;
  /** Which cue decided. */
  by: 'skew' | 'border';
}

/** |skew| below this is "can't tell" and the border decides. */
const MIN_SKEW = 0.5;

export function detectPolarity(lum: FloatImage): PolarityDecision {
  const { width: w, height: h, data } = lum;
  const size = Math.max(3, (Math.floor(Math.min(w, h) / 4) | 1));
  const low = boxBlur(lum, size).data;
  const n = data.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += data[i] - low[i];
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i] - low[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  const skew = m2 > 1e-6 ? m3 / Math.pow(m2, 1.5) : 0;
  if (Math.abs(skew) >= MIN_SKEW) {
    return { polarity: skew < 0 ? 'dark-on-light' : 'light-on-dark', skew, by: 'skew' };
  }
  // Border vs the whole picture: a background brighter than average means dark ink.
  let border = 0;
  let count = 0;
  for (let x = 0; x < w; x++) {
    border += data[x] + data[(h - 1) * w + x];
    count += 2;
  }
  for (let y = 1; y < h - 1; y++) {
    border += data[y * w] + data[y * w + w - 1];
    count += 2;
  }
  let all = 0;
  for (let i = 0; i < n; i++) all += data[i];
  const polarity = border / count >= all / n ? 'dark-on-light' : 'light-on-dark';
  return { polarity, skew, by: 'border' };
}
