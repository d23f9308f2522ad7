/**
 * Step 2c: from colours under uneven light to an ink map in 0..1. The paper (or screen) is
 * estimated per colour channel by a morphological closing (dark ink) or opening (light ink) with
 * a window wider than the strokes, then smoothed; ink is the relative departure from that
 * estimate. Dividing by the local paper brightness makes a shadowed part of the page as white as
 * a lit one; taking the strongest channel makes blue, red or yellow ink as visible as black,
 * whatever the luminance says (yellow on white is nearly invisible in grey).
 */
import { boxBlurWithin, closing, opening } from './morphology.ts';
import { inkMapSimd, poolSimd, type Paper } from './morphologyWasm.ts';
import type { FloatImage } from './raster.ts';
import type { FlatImage } from './flatten.ts';
import type { Polarity } from './polarity.ts';

/** Paper darker than this (0..255) is treated as this: grain on a dark desk or in deep shadow is not ink. */
const MIN_RANGE = 64;

/** The paper estimate on a grid of f×f blocks (f = 1: the picture's own pixels), block centres at ((x + 0.5)·f − 0.5, …). */
interface Background {
  grid: FloatImage;
  f: number;
}

/**
 * The paper under the strokes. Lighting varies slowly, so the estimate is made on a grid reduced
 * by about window/8 (block max for dark ink, block min for light ink — itself the first step of
 * the closing/opening), then interpolated back (`inkMap`): the same picture for a fraction of the cost.
 */
function estimateBackground(plane: FloatImage, polarity: Polarity, size: number): Background {
  const dark = polarity === 'dark-on-light';
  const f = Math.max(1, Math.floor(size / 8));
  const small = f > 1 ? (poolSimd(plane, f, dark) ?? poolJs(plane, f, dark)) : plane;
  const k = Math.max(3, Math.round(size / f) | 1);
  const bg = dark ? closing(small, k) : opening(small, k);
  // Smoothing must not carry the paper's level across a hard shadow edge: blurred, the lit side
  // would raise the estimate on the shadowed side and leave a band of false ink along the edge.
  // The closing is never below the paper there (nor the opening above it), so the smoothed
  // estimate is kept on the paper's side of it.
  const smooth = boxBlurWithin(bg, k, dark ? 'below' : 'above');
  return { grid: smooth, f };
}

/**
 * Block extremum over f×f blocks (partial blocks at the edges included): down each block's rows
 * first (a whole row at a time), then across each block's columns; the extremum of the same
 * values. The SIMD module's twin (poolSimd) runs when loaded; exported for the tests holding the two together.
 */
export function poolJs(img: FloatImage, f: number, isMax: boolean): FloatImage {
  const w = Math.ceil(img.width / f);
  const h = Math.ceil(img.height / f);
  const out = new Float32Array(w * h);
  const fill = isMax ? -Infinity : Infinity;
  const acc = new Float32Array(img.width);
  const src = img.data;
  const iw = img.width;
  for (let by = 0; by < h; by++) {
    acc.fill(fill);
    for (let y = by * f; y < Math.min(img.height, (by + 1) * f); y++) {
      const o = y * iw;
      if (isMax) for (let x = 0; x < iw; x++) acc[x] = src[o + x] > acc[x] ? src[o + x] : acc[x];
      else for (let x = 0; x < iw; x++) acc[x] = src[o + x] < acc[x] ? src[o + x] : acc[x];
    }
    for (let bx = 0; bx < w; bx++) {
      let m = fill;
      const end = Math.min(iw, (bx + 1) * f);
      if (isMax) for (let x = bx * f; x < end; x++) m = acc[x] > m ? acc[x] : m;
      else for (let x = bx * f; x < end; x++) m = acc[x] < m ? acc[x] : m;
      out[by * w + bx] = m;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * Bilinear interpolation of the grid of block values (block centres) back to full size, as the
 * ink loop needs it: per output column the two grid columns and the weight of the second (in
 * doubles), per output row the same for grid rows.
 */
function paperOf(bg: Background, width: number, height: number): Paper {
  const { grid: small, f } = bg;
  if (f === 1) return { kind: 'plane', grid: small.data };
  const taps = (n: number, cells: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } => {
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const g = Math.min(cells - 1, Math.max(0, (i + 0.5) / f - 0.5));
      lo[i] = Math.floor(g);
      hi[i] = Math.min(cells - 1, lo[i] + 1);
      t[i] = g - lo[i];
    }
    return { lo, hi, t };
  };
  const x = taps(width, small.width);
  const y = taps(height, small.height);
  return { kind: 'grid', grid: small.data, gw: small.width, gh: small.height, x0: x.lo, x1: x.hi, fx: x.t, y0: y.lo, y1: y.hi, fy: y.t };
}

/**
 * Ink 0..1 per pixel: per colour plane, the departure from the paper estimate relative to the
 * paper's brightness, the strongest plane kept. In the SIMD module when it is loaded, else
 * `inkMapJs`; the same floats.
 */
export function inkMap(flat: FlatImage, polarity: Polarity, size: number): FloatImage {
  const { width: w, height: h } = flat;
  const grey = flat.planes[0] === flat.planes[1] || isGrey(flat);
  const planes = (grey ? [flat.planes[0]] : flat.planes).map((plane) => ({
    plane,
    paper: paperOf(estimateBackground({ width: w, height: h, data: plane }, polarity, size), w, h),
  }));
  const dark = polarity === 'dark-on-light';
  return { width: w, height: h, data: inkMapSimd(w, h, dark, planes) ?? inkMapJs(w, h, dark, planes) };
}

/** The ink loop in TypeScript (exported for the tests that hold the SIMD one to it): the paper a row at a time, as float32. */
export function inkMapJs(w: number, h: number, dark: boolean, planes: readonly { plane: Float32Array; paper: Paper }[]): Float32Array {
  const ink = new Float32Array(w * h);
  const row = new Float32Array(w);
  const a = new Float64Array(w);
  const b = new Float64Array(w);
  for (const { plane: p, paper } of planes) {
    /** grid row gy interpolated across to full width */
    const across = (gy: number, dst: Float64Array): void => {
      if (paper.kind !== 'grid') return;
      const s = paper.grid;
      const o = gy * paper.gw;
      for (let x = 0; x < w; x++) dst[x] = s[o + paper.x0[x]] * (1 - paper.fx[x]) + s[o + paper.x1[x]] * paper.fx[x];
    };
    let rowA = -1;
    let rowB = -1;
    for (let y = 0; y < h; y++) {
      const o = y * w;
      let bgRow: Float32Array;
      if (paper.kind === 'plane') {
        bgRow = paper.grid.subarray(o, o + w);
      } else {
        if (rowA !== paper.y0[y]) across((rowA = paper.y0[y]), a);
        if (rowB !== paper.y1[y]) across((rowB = paper.y1[y]), b);
        const fy = paper.fy[y];
        for (let x = 0; x < w; x++) row[x] = a[x] * (1 - fy) + b[x] * fy;
        bgRow = row;
      }
      if (dark) {
        for (let x = 0; x < w; x++) {
          const v0 = bgRow[x];
          const v = (v0 - p[o + x]) / (v0 > MIN_RANGE ? v0 : MIN_RANGE);
          if (v > ink[o + x]) ink[o + x] = v > 1 ? 1 : v;
        }
      } else {
        for (let x = 0; x < w; x++) {
          const v0 = 255 - bgRow[x];
          const v = (p[o + x] - bgRow[x]) / (v0 > MIN_RANGE ? v0 : MIN_RANGE);
          if (v > ink[o + x]) ink[o + x] = v > 1 ? 1 : v;
        }
      }
    }
  }
  return ink;
}

/** All three planes equal (grey picture, or alpha-as-ink): one channel is enough. */
function isGrey(flat: FlatImage): boolean {
  const [r, g, b] = flat.planes;
  for (let i = 0; i < r.length; i += 7) if (r[i] !== g[i] || g[i] !== b[i]) return false;
  return true;
}
