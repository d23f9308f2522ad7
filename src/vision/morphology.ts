/**
 * Grey-level morphology and blurs on float planes, O(pixels) whatever the window size
 * (van Herk / Gil-Werman for min/max, running sums for the box blur), because the window that
 * estimates the paper can be 100+ px wide. Borders are handled by clamping the window.
 */
import type { FloatImage, MaskImage } from './raster.ts';
import { boxBlurSimd, dilateMaskSimd, extremaSimd, topHatHistogramsSimd, type ExtremumStep } from './morphologyWasm.ts';

/**
 * Running extremum over a centred window of `size` (odd) along one row of `len` samples read from
 * `src` at `off`, written to `dst` at the same offset. `p`, `g`, `h` are scratch buffers of at
 * least len + 2*size. `isMax` picks max or min; the two loops are written out so that V8 keeps
 * them monomorphic (a reducer callback made this 10x slower).
 */
function rowExtremum(
  src: Float32Array, dst: Float32Array, off: number, len: number, size: number,
  isMax: boolean, p: Float32Array, g: Float32Array, h: Float32Array,
): void {
  const r = size >> 1;
  const blocks = Math.ceil((len + 2 * r) / size) * size;
  const fill = isMax ? -Infinity : Infinity;
  p.fill(fill, 0, r);
  p.set(src.subarray(off, off + len), r);
  p.fill(fill, r + len, blocks);
  if (isMax) {
    for (let s0 = 0; s0 < blocks; s0 += size) {
      g[s0] = p[s0];
      for (let i = s0 + 1; i < s0 + size; i++) g[i] = g[i - 1] > p[i] ? g[i - 1] : p[i];
      h[s0 + size - 1] = p[s0 + size - 1];
      for (let i = s0 + size - 2; i >= s0; i--) h[i] = h[i + 1] > p[i] ? h[i + 1] : p[i];
    }
    for (let i = 0; i < len; i++) {
      const a = h[i];
      const b = g[i + size - 1];
      dst[off + i] = a > b ? a : b;
    }
  } else {
    for (let s0 = 0; s0 < blocks; s0 += size) {
      g[s0] = p[s0];
      for (let i = s0 + 1; i < s0 + size; i++) g[i] = g[i - 1] < p[i] ? g[i - 1] : p[i];
      h[s0 + size - 1] = p[s0 + size - 1];
      for (let i = s0 + size - 2; i >= s0; i--) h[i] = h[i + 1] < p[i] ? h[i + 1] : p[i];
    }
    for (let i = 0; i < len; i++) {
      const a = h[i];
      const b = g[i + size - 1];
      dst[off + i] = a < b ? a : b;
    }
  }
}

/**
 * The same van Herk / Gil-Werman extremum down the columns, done a whole row at a time: reading
 * a column with a stride of `w` missed the cache on every sample, while row after row the inner
 * loops run over contiguous memory. Padded row i (0 ≤ i < blocks) is source row i − r, or the
 * fill value (−∞ for max, +∞ for min) outside the picture; `g` / `hh` hold blocks × w floats.
 */
function columnExtremum(src: Float32Array, dst: Float32Array, w: number, h: number, size: number, isMax: boolean, g: Float32Array, hh: Float32Array): void {
  const r = size >> 1;
  const blocks = Math.ceil((h + 2 * r) / size) * size;
  const fill = isMax ? -Infinity : Infinity;
  /** padded row i of the source into `buf` at row `at` (a copy; the extremum with a fill row is the other row) */
  const first = (buf: Float32Array, at: number, i: number): void => {
    const y = i - r;
    if (y >= 0 && y < h) buf.set(src.subarray(y * w, y * w + w), at * w);
    else buf.fill(fill, at * w, at * w + w);
  };
  /** row `i` of `buf` = the extremum of its row `from` (done already) and padded source row i */
  const step = (buf: Float32Array, i: number, from: number): void => {
    const y = i - r;
    const o = i * w;
    const q = from * w;
    if (y < 0 || y >= h) {
      buf.copyWithin(o, q, q + w);
      return;
    }
    const so = y * w;
    if (isMax) for (let x = 0; x < w; x++) buf[o + x] = buf[q + x] > src[so + x] ? buf[q + x] : src[so + x];
    else for (let x = 0; x < w; x++) buf[o + x] = buf[q + x] < src[so + x] ? buf[q + x] : src[so + x];
  };
  for (let s0 = 0; s0 < blocks; s0 += size) {
    // van Herk / Gil-Werman: running extrema forward (g) and backward (hh) within each block
    first(g, s0, s0);
    for (let i = s0 + 1; i < s0 + size; i++) step(g, i, i - 1);
    first(hh, s0 + size - 1, s0 + size - 1);
    for (let i = s0 + size - 2; i >= s0; i--) step(hh, i, i + 1);
  }
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const a0 = y * w;
    const b0 = (y + size - 1) * w;
    if (isMax) for (let x = 0; x < w; x++) dst[o + x] = hh[a0 + x] > g[b0 + x] ? hh[a0 + x] : g[b0 + x];
    else for (let x = 0; x < w; x++) dst[o + x] = hh[a0 + x] < g[b0 + x] ? hh[a0 + x] : g[b0 + x];
  }
}

/** Scratch planes reused from call to call (the pipeline is synchronous: one user at a time). */
let scratchA = new Float32Array(0);
let scratchB = new Float32Array(0);
let scratchC = new Float32Array(0);
function scratch(n: number): [Float32Array, Float32Array, Float32Array] {
  if (scratchA.length < n) {
    scratchA = new Float32Array(n);
    scratchB = new Float32Array(n);
    scratchC = new Float32Array(n);
  }
  return [scratchA, scratchB, scratchC];
}

/** The filters in order: the SIMD kernels when loaded (morphologyWasm.ts), else TypeScript; the same floats. */
function filters(img: FloatImage, steps: ExtremumStep[]): FloatImage {
  const simd = extremaSimd(img, steps);
  if (simd) return { width: img.width, height: img.height, data: simd };
  let out = img;
  for (const s of steps) out = separableJs(out, s.size, s.isMax);
  return out;
}

/** The TypeScript filter (exported for the tests that hold it to the SIMD one and to brute force). */
export function separableJs(img: FloatImage, size: number, isMax: boolean): FloatImage {
  const { width: w, height: h } = img;
  const k = Math.max(1, size | 1);
  const line = Math.max(w, h) + 2 * k + 2;
  const blocks = Math.ceil((h + 2 * (k >> 1)) / k) * k;
  const [tmp, g, hh] = scratch(Math.max(w * h, blocks * w, 3 * line));
  const out = new Float32Array(w * h);
  // the row pass uses three line-sized pieces of g (free until the column pass)
  const p = g.subarray(0, line);
  const gl = g.subarray(line, 2 * line);
  const hl = g.subarray(2 * line, 3 * line);
  for (let y = 0; y < h; y++) rowExtremum(img.data, tmp, y * w, w, k, isMax, p, gl, hl);
  columnExtremum(tmp, out, w, h, k, isMax, g, hh);
  return { width: w, height: h, data: out };
}

/** Maximum over a size×size square (dilation of bright areas). */
export function maxFilter(img: FloatImage, size: number): FloatImage {
  return filters(img, [{ size, isMax: true }]);
}

/** Minimum over a size×size square (erosion of bright areas). */
export function minFilter(img: FloatImage, size: number): FloatImage {
  return filters(img, [{ size, isMax: false }]);
}

/**
 * Binary dilation of a 0/1 mask over a size×size square (window clamped at the borders): 1 where
 * any ink lies within the window. The same as maxFilter on the mask as floats. In the SIMD
 * module when loaded (an OR of the window's bytes, sixteen pixels at a time), else `dilateMaskJs`.
 */
export function dilateMask(mask: MaskImage, size: number): MaskImage {
  return dilateMaskSimd(mask, size) ?? dilateMaskJs(mask, size);
}

/** dilateMask by running counts (rows, then columns a whole row at a time) on bytes; exported for the tests. */
export function dilateMaskJs(mask: MaskImage, size: number): MaskImage {
  const { width: w, height: h, data } = mask;
  const r = Math.max(1, size | 1) >> 1;
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let count = 0;
    for (let x = 0; x < Math.min(r, w); x++) count += data[o + x];
    for (let x = 0; x < w; x++) {
      if (x + r < w) count += data[o + x + r];
      if (x - r - 1 >= 0) count -= data[o + x - r - 1];
      rows[o + x] = count > 0 ? 1 : 0;
    }
  }
  const counts = new Int32Array(w);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) counts[x] += rows[y * w + x];
  for (let y = 0; y < h; y++) {
    if (y + r < h) {
      const add = (y + r) * w;
      for (let x = 0; x < w; x++) counts[x] += rows[add + x];
    }
    if (y - r - 1 >= 0) {
      const sub = (y - r - 1) * w;
      for (let x = 0; x < w; x++) counts[x] -= rows[sub + x];
    }
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = counts[x] > 0 ? 1 : 0;
  }
  return { width: w, height: h, data: out };
}

/** Closing: removes dark structures narrower than `size` (dark ink on light paper). */
export function closing(img: FloatImage, size: number): FloatImage {
  return filters(img, [{ size, isMax: true }, { size, isMax: false }]);
}

/** Opening: removes bright structures narrower than `size` (light ink on dark paper). */
export function opening(img: FloatImage, size: number): FloatImage {
  return filters(img, [{ size, isMax: false }, { size, isMax: true }]);
}

let prefixPlane = new Float64Array(0);

/**
 * Histograms (256 bins) of the black top-hat (closing − picture: what is darker than its
 * surroundings and narrower than the window) and of the white top-hat (picture − opening), each
 * value rounded to the nearest integer (halves up) and clamped to 0..255, for each window of
 * `sizes`. In the SIMD module when loaded (the picture copied in once, the planes never leave
 * it), else here; the same counts.
 */
export function topHatHistograms(img: FloatImage, sizes: readonly number[]): { dark: Uint32Array; light: Uint32Array }[] {
  return topHatHistogramsSimd(img, sizes) ?? sizes.map((size) => topHatHistogramsJs(img, size));
}

/** The TypeScript top-hat histograms (exported for the tests that hold the SIMD ones to them). */
export function topHatHistogramsJs(img: FloatImage, size: number): { dark: Uint32Array; light: Uint32Array } {
  const data = img.data;
  const closed = closing(img, size).data;
  const opened = opening(img, size).data;
  const dark = new Uint32Array(256);
  const light = new Uint32Array(256);
  // (v + 0.5) | 0 is Math.floor(v + 0.5), i.e. Math.round(v), for 0 < v < 255 (all doubles but
  // 0.5 − 2⁻⁵⁴, which no difference of two float32 luminances is)
  for (let i = 0; i < data.length; i++) {
    const d = closed[i] - data[i];
    const l = data[i] - opened[i];
    dark[d <= 0 ? 0 : d >= 255 ? 255 : (d + 0.5) | 0]++;
    light[l <= 0 ? 0 : l >= 255 ? 255 : (l + 0.5) | 0]++;
  }
  return { dark, light };
}

/** Mean over a size×size square, window clamped at the borders (no dark frame). SIMD module when loaded, the same floats. */
export function boxBlur(img: FloatImage, size: number): FloatImage {
  const simd = boxBlurSimd(img, size);
  return simd ? { width: img.width, height: img.height, data: simd } : boxBlurJs(img, size);
}

/**
 * The box blur kept on one side of the picture: per pixel the smaller (`below`) or the larger
 * (`above`) of the mean and the picture itself. In the SIMD module when loaded, the same floats.
 */
export function boxBlurWithin(img: FloatImage, size: number, within: 'below' | 'above'): FloatImage {
  const simd = boxBlurSimd(img, size, within);
  if (simd) return { width: img.width, height: img.height, data: simd };
  const out = boxBlurJs(img, size);
  const d = out.data;
  const v = img.data;
  for (let i = 0; i < d.length; i++) d[i] = within === 'below' ? Math.min(d[i], v[i]) : Math.max(d[i], v[i]);
  return out;
}

/** The TypeScript box blur (exported for the tests that hold the SIMD one to it). */
export function boxBlurJs(img: FloatImage, size: number): FloatImage {
  const { width: w, height: h } = img;
  const r = Math.max(0, size >> 1);
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const line = new Float64Array(Math.max(w, h) + 1);
  for (let y = 0; y < h; y++) {
    line[0] = 0;
    for (let x = 0; x < w; x++) line[x + 1] = line[x] + img.data[y * w + x];
    for (let x = 0; x < w; x++) {
      const a = Math.max(0, x - r);
      const b = Math.min(w, x + r + 1);
      tmp[y * w + x] = (line[b] - line[a]) / (b - a);
    }
  }
  // Down the columns a whole row at a time (a column read with a stride of w missed the cache):
  // prefix[y][x] is the sum of column x over rows < y, the same additions in the same order.
  if (prefixPlane.length < (h + 1) * w) prefixPlane = new Float64Array((h + 1) * w);
  const prefix = prefixPlane;
  prefix.fill(0, 0, w);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const q = o + w;
    for (let x = 0; x < w; x++) prefix[q + x] = prefix[o + x] + tmp[o + x];
  }
  for (let y = 0; y < h; y++) {
    const a = Math.max(0, y - r) * w;
    const b = Math.min(h, y + r + 1) * w;
    const n = (b - a) / w;
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = (prefix[b + x] - prefix[a + x]) / n;
  }
  return { width: w, height: h, data: out };
}
