/**
 * Grey-level morphology and blurs on float planes, O(pixels) whatever the window size
 * (van Herk / Gil-Werman for min/max, running sums for the box blur), because the window that
 * estimates the paper can be 100+ px wide. Borders are handled by clamping the window.
 */
import type { FloatImage } from './raster.ts';

/**
 * Running extremum over a centred window of `size` (odd) along `len` samples read from `src` at
 * `off + i*stride`, written to `dst` the same way. `p`, `g`, `h` are scratch buffers of at least
 * len + 2*size. `isMax` picks max or min; the two loops are written out so that V8 keeps them
 * monomorphic (a reducer callback made this 10x slower).
 */
function runExtremum(
  src: Float32Array, dst: Float32Array, off: number, stride: number, len: number, size: number,
  isMax: boolean, p: Float32Array, g: Float32Array, h: Float32Array,
): void {
  const r = size >> 1;
  const blocks = Math.ceil((len + 2 * r) / size) * size;
  const fill = isMax ? -Infinity : Infinity;
  for (let i = 0; i < blocks; i++) {
    const j = i - r;
    p[i] = j >= 0 && j < len ? src[off + j * stride] : fill;
  }
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
      dst[off + i * stride] = a > b ? a : b;
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
      dst[off + i * stride] = a < b ? a : b;
    }
  }
}

function separable(img: FloatImage, size: number, isMax: boolean): FloatImage {
  const { width: w, height: h } = img;
  const k = Math.max(1, size | 1);
  const scratch = Math.max(w, h) + 2 * k + 2;
  const p = new Float32Array(scratch);
  const g = new Float32Array(scratch);
  const hh = new Float32Array(scratch);
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) runExtremum(img.data, tmp, y * w, 1, w, k, isMax, p, g, hh);
  for (let x = 0; x < w; x++) runExtremum(tmp, out, x, w, h, k, isMax, p, g, hh);
  return { width: w, height: h, data: out };
}

/** Maximum over a size×size square (dilation of bright areas). */
export function maxFilter(img: FloatImage, size: number): FloatImage {
  return separable(img, size, true);
}

/** Minimum over a size×size square (erosion of bright areas). */
export function minFilter(img: FloatImage, size: number): FloatImage {
  return separable(img, size, false);
}

/** Closing: removes dark structures narrower than `size` (dark ink on light paper). */
export function closing(img: FloatImage, size: number): FloatImage {
  return minFilter(maxFilter(img, size), size);
}

/** Opening: removes bright structures narrower than `size` (light ink on dark paper). */
export function opening(img: FloatImage, size: number): FloatImage {
  return maxFilter(minFilter(img, size), size);
}

/** Mean over a size×size square, window clamped at the borders (no dark frame). */
export function boxBlur(img: FloatImage, size: number): FloatImage {
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
  for (let x = 0; x < w; x++) {
    line[0] = 0;
    for (let y = 0; y < h; y++) line[y + 1] = line[y] + tmp[y * w + x];
    for (let y = 0; y < h; y++) {
      const a = Math.max(0, y - r);
      const b = Math.min(h, y + r + 1);
      out[y * w + x] = (line[b] - line[a]) / (b - a);
    }
  }
  return { width: w, height: h, data: out };
}
