/**
 * Step 2c: from colours under uneven light to an ink map in 0..1. The paper (or screen) is
 * estimated per colour channel by a morphological closing (dark ink) or opening (light ink) with
 * a window wider than the strokes, then smoothed; ink is the relative departure from that
 * estimate. Dividing by the local paper brightness makes a shadowed part of the page as white as
 * a lit one; taking the strongest channel makes blue, red or yellow ink as visible as black,
 * whatever the luminance says (yellow on white is nearly invisible in grey).
 */
import { boxBlurWithin, closing, opening } from './morphology.ts';
import { inkMapSimd, type Taps } from './morphologyWasm.ts';
import type { FloatImage } from './raster.ts';
import { planesOf, type FlatImage } from './flatten.ts';
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
 * by f, about window/8 (block max for dark ink, block min for light ink — itself the first step of
 * the closing/opening), closed (opened) and smoothed there with a window of k cells, then
 * interpolated back (`inkMap`): the same picture for a fraction of the cost.
 */
function paperGrid(size: number): { f: number; k: number } {
  const f = Math.max(1, Math.floor(size / 8));
  return { f, k: Math.max(3, Math.round(size / f) | 1) };
}

/** The paper estimate of one plane in TypeScript (`inkMap` without the SIMD module). */
function estimateBackground(plane: FloatImage, polarity: Polarity, size: number): Background {
  const dark = polarity === 'dark-on-light';
  const { f, k } = paperGrid(size);
  const small = f > 1 ? poolJs(plane, f, dark) : plane;
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
 * values as the SIMD module's `pool` (inside inkMapSimd); exported for the tests.
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
 * The paper under one colour plane, w×h: the plane itself when f = 1 (`grid`), else a coarser
 * grid (gw × gh) to interpolate bilinearly (block centres): per output column the two grid
 * columns and the weight of the second (`x`), per output row the same for grid rows (`y`).
 */
export type Paper = { kind: 'plane'; grid: Float32Array } | { kind: 'grid'; grid: Float32Array; gw: number; gh: number; x: Taps; y: Taps };

/** The interpolation taps of n samples from `cells` block centres f apart, in doubles. */
function taps(n: number, cells: number, f: number): Taps {
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
}

function paperOf(bg: Background, width: number, height: number): Paper {
  const { grid: small, f } = bg;
  if (f === 1) return { kind: 'plane', grid: small.data };
  return { kind: 'grid', grid: small.data, gw: small.width, gh: small.height, x: taps(width, small.width, f), y: taps(height, small.height, f) };
}

/**
 * Ink 0..1 per pixel: per colour plane, the departure from the paper estimate relative to the
 * paper's brightness, the strongest plane kept. In the SIMD module when it is loaded (every step
 * of every plane there, the picture copied in once), else in TypeScript; the same floats.
 */
export function inkMap(flat: FlatImage, polarity: Polarity, size: number): FloatImage {
  const { width: w, height: h } = flat;
  const channels = isGrey(flat) ? 1 : 3;
  const dark = polarity === 'dark-on-light';
  const { f, k } = paperGrid(size);
  const grid = f > 1 ? { x: taps(w, Math.ceil(w / f), f), y: taps(h, Math.ceil(h / f), f) } : null;
  const simd = inkMapSimd(flat.colour, w, h, channels, { f, k, dark, grid });
  if (simd) return { width: w, height: h, data: simd };
  return { width: w, height: h, data: inkMapTs(flat, channels, polarity, size) };
}

/** inkMap in TypeScript (exported for the tests that hold the SIMD module to it). */
export function inkMapTs(flat: FlatImage, channels: number, polarity: Polarity, size: number): Float32Array {
  const { width: w, height: h } = flat;
  const planes = planesOf(flat)
    .slice(0, channels)
    .map((plane) => ({ plane, paper: paperOf(estimateBackground({ width: w, height: h, data: plane }, polarity, size), w, h) }));
  return inkMapJs(w, h, polarity === 'dark-on-light', planes);
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
      const { lo, hi, t } = paper.x;
      for (let x = 0; x < w; x++) dst[x] = s[o + lo[x]] * (1 - t[x]) + s[o + hi[x]] * t[x];
    };
    let rowA = -1;
    let rowB = -1;
    for (let y = 0; y < h; y++) {
      const o = y * w;
      let bgRow: Float32Array;
      if (paper.kind === 'plane') {
        bgRow = paper.grid.subarray(o, o + w);
      } else {
        if (rowA !== paper.y.lo[y]) across((rowA = paper.y.lo[y]), a);
        if (rowB !== paper.y.hi[y]) across((rowB = paper.y.hi[y]), b);
        const fy = paper.y.t[y];
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

/** isGrey's answer per flattened picture: its wide and fitted maps (and a look the other way round) ask once. */
const greyOf = new WeakMap<FlatImage, boolean>();

/** All three planes equal (grey picture, or alpha-as-ink), at every 7th pixel: one channel is enough. */
function isGrey(flat: FlatImage): boolean {
  let grey = greyOf.get(flat);
  if (grey === undefined) greyOf.set(flat, (grey = everySeventhGrey(flat)));
  return grey;
}

function everySeventhGrey(flat: FlatImage): boolean {
  const n = flat.width * flat.height;
  if (flat.colour.kind === 'rgba') {
    const d = flat.colour.data;
    for (let i = 0; i < n; i += 7) if (d[4 * i] !== d[4 * i + 1] || d[4 * i + 1] !== d[4 * i + 2]) return false;
    return true;
  }
  const [r, g, b] = flat.colour.planes;
  if (r === g && g === b) return true;
  for (let i = 0; i < n; i += 7) if (r[i] !== g[i] || g[i] !== b[i]) return false;
  return true;
}
