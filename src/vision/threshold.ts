/** Global thresholds on an ink map (values in 0..1). */
import type { FloatImage, MaskImage } from './raster.ts';

const BINS = 256;

/**
 * Otsu's threshold: the cut that maximises the between-class variance of the histogram.
 * Returns a value in [0, 1]; 0.5 for a constant picture.
 */
export function otsuThreshold(values: Float32Array): number {
  return otsuOfHistogram(otsuHistogram(values), values.length);
}

/** Otsu's histogram: 256 bins, value v in bin round(v · 255) clamped to 0..255 (halves up). */
export function otsuHistogram(values: Float32Array): Float64Array {
  const hist = new Float64Array(BINS);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const b = v <= 0 ? 0 : v >= 1 ? BINS - 1 : Math.floor(v * (BINS - 1) + 0.5);
    hist[b]++;
  }
  return hist;
}

/** Otsu's threshold from its histogram (otsuHistogram) of `total` values. */
export function otsuOfHistogram(hist: Float64Array, total: number): number {
  let sumAll = 0;
  for (let b = 0; b < BINS; b++) sumAll += b * hist[b];
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let bestB = (BINS - 1) / 2;
  for (let b = 0; b < BINS - 1; b++) {
    wB += hist[b];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += b * hist[b];
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      bestB = b + 0.5;
    }
  }
  return bestB / (BINS - 1);
}

export function binarize(img: FloatImage, threshold: number): MaskImage {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i] > threshold ? 1 : 0;
  return { width: img.width, height: img.height, data: out };
}

/** The q-quantile (0..1) of values, by sorting a copy; callers pass small arrays or samples. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return 0;
  const s = Float32Array.from(values).sort();
  const i = Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))));
  return s[i];
}

/** Quantiles (ascending q in 0..1) of values in 0..1, from a histogram of 1/1000 bins: one pass, no sort. */
export function quantilesOf(values: Float32Array, qs: number[]): number[] {
  return quantilesOfHistogram(quantileHistogram(values), values.length, qs);
}

const QUANTILE_BINS = 1000;

/** quantilesOf's histogram: 1001 bins, value v in bin round(v · 1000) clamped to 0..1000 (halves up). */
export function quantileHistogram(values: Float32Array): Uint32Array {
  const bins = QUANTILE_BINS;
  const hist = new Uint32Array(bins + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    hist[v <= 0 ? 0 : v >= 1 ? bins : Math.floor(v * bins + 0.5)]++;
  }
  return hist;
}

/** Quantiles (ascending q in 0..1) from quantileHistogram's counts of `n` values. */
export function quantilesOfHistogram(hist: Uint32Array, n: number, qs: number[]): number[] {
  const bins = QUANTILE_BINS;
  const out: number[] = [];
  let acc = 0;
  let b = 0;
  for (const q of qs) {
    const need = q * n;
    while (b < bins && acc + hist[b] < need) acc += hist[b++];
    out.push(b / bins);
  }
  return out;
}
