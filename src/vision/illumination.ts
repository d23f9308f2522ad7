/**
 * Step 2c: from colours under uneven light to an ink map in 0..1. The paper (or screen) is
 * estimated per colour channel by a morphological closing (dark ink) or opening (light ink) with
 * a window wider than the strokes, then smoothed; ink is the relative departure from that
 * estimate. Dividing by the local paper brightness makes a shadowed part of the page as white as
 * a lit one; taking the strongest channel makes blue, red or yellow ink as visible as black,
 * whatever the luminance says (yellow on white is nearly invisible in grey).
 */
import { boxBlur, closing, opening } from './morphology.ts';
import type { FloatImage } from './raster.ts';
import type { FlatImage } from './flatten.ts';
import type { Polarity } from './polarity.ts';

/** Paper darker than this (0..255) is treated as this: grain on a dark desk or in deep shadow is not ink. */
const MIN_RANGE = 64;

/**
 * The paper under the strokes. Lighting varies slowly, so the estimate is made on a grid reduced
 * by about window/8 (block max for dark ink, block min for light ink — itself the first step of
 * the closing/opening), then interpolated back: the same picture for a fraction of the cost.
 */
export function estimateBackground(plane: FloatImage, polarity: Polarity, size: number): FloatImage {
  const dark = polarity === 'dark-on-light';
  const f = Math.max(1, Math.floor(size / 8));
  const small = f > 1 ? pool(plane, f, dark) : plane;
  const k = Math.max(3, Math.round(size / f) | 1);
  const bg = dark ? closing(small, k) : opening(small, k);
  // Smoothing must not carry the paper's level across a hard shadow edge: blurred, the lit side
  // would raise the estimate on the shadowed side and leave a band of false ink along the edge.
  // The closing is never below the paper there (nor the opening above it), so the smoothed
  // estimate is kept on the paper's side of it.
  const smooth = boxBlur(bg, k);
  for (let i = 0; i < smooth.data.length; i++) {
    smooth.data[i] = dark ? Math.min(smooth.data[i], bg.data[i]) : Math.max(smooth.data[i], bg.data[i]);
  }
  return f > 1 ? upsample(smooth, f, plane.width, plane.height) : smooth;
}

/** Block extremum over f×f blocks (partial blocks at the edges included). */
function pool(img: FloatImage, f: number, isMax: boolean): FloatImage {
  const w = Math.ceil(img.width / f);
  const h = Math.ceil(img.height / f);
  const out = new Float32Array(w * h).fill(isMax ? -Infinity : Infinity);
  const block = Int32Array.from({ length: img.width }, (_, x) => Math.floor(x / f));
  const src = img.data;
  for (let y = 0; y < img.height; y++) {
    const row = Math.floor(y / f) * w;
    const o = y * img.width;
    if (isMax) {
      for (let x = 0; x < img.width; x++) {
        const v = src[o + x];
        const j = row + block[x];
        if (v > out[j]) out[j] = v;
      }
    } else {
      for (let x = 0; x < img.width; x++) {
        const v = src[o + x];
        const j = row + block[x];
        if (v < out[j]) out[j] = v;
      }
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * Bilinear interpolation of a grid of block values (block centres) back to full size. The taps of
 * each column and the horizontally interpolated grid rows are computed once (in doubles, the same
 * arithmetic as per pixel), not again for every output pixel.
 */
function upsample(small: FloatImage, f: number, width: number, height: number): FloatImage {
  const out = new Float32Array(width * height);
  const sw = small.width;
  const sh = small.height;
  const s = small.data;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const gx = Math.min(sw - 1, Math.max(0, (x + 0.5) / f - 0.5));
    x0s[x] = Math.floor(gx);
    x1s[x] = Math.min(sw - 1, x0s[x] + 1);
    fxs[x] = gx - x0s[x];
  }
  /** grid row gy interpolated across to full width */
  const across = (gy: number, dst: Float64Array): void => {
    const o = gy * sw;
    for (let x = 0; x < width; x++) dst[x] = s[o + x0s[x]] * (1 - fxs[x]) + s[o + x1s[x]] * fxs[x];
  };
  const a = new Float64Array(width);
  const b = new Float64Array(width);
  let rowA = -1;
  let rowB = -1;
  for (let y = 0; y < height; y++) {
    const gy = Math.min(sh - 1, Math.max(0, (y + 0.5) / f - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = gy - y0;
    if (rowA !== y0) {
      across(y0, a);
      rowA = y0;
    }
    if (rowB !== y1) {
      across(y1, b);
      rowB = y1;
    }
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = a[x] * (1 - fy) + b[x] * fy;
  }
  return { width, height, data: out };
}

export function inkMap(flat: FlatImage, polarity: Polarity, size: number): FloatImage {
  const { width: w, height: h } = flat;
  const n = w * h;
  const ink = new Float32Array(n);
  const grey = flat.planes[0] === flat.planes[1] || isGrey(flat);
  const planes = grey ? [flat.planes[0]] : flat.planes;
  for (const p of planes) {
    const img: FloatImage = { width: w, height: h, data: p };
    const bg = estimateBackground(img, polarity, size).data;
    if (polarity === 'dark-on-light') {
      for (let i = 0; i < n; i++) {
        const b = bg[i];
        const v = (b - p[i]) / (b > MIN_RANGE ? b : MIN_RANGE);
        if (v > ink[i]) ink[i] = v > 1 ? 1 : v;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const b = 255 - bg[i];
        const v = (p[i] - bg[i]) / (b > MIN_RANGE ? b : MIN_RANGE);
        if (v > ink[i]) ink[i] = v > 1 ? 1 : v;
      }
    }
  }
  return { width: w, height: h, data: ink };
}

/** All three planes equal (grey picture, or alpha-as-ink): one channel is enough. */
function isGrey(flat: FlatImage): boolean {
  const [r, g, b] = flat.planes;
  for (let i = 0; i < r.length; i += 7) if (r[i] !== g[i] || g[i] !== b[i]) return false;
  return true;
}
