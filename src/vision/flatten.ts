/**
 * Step 2a: remove transparency. Drawing apps export strokes of any colour (often white, or the
 * theme's text colour) on a fully transparent canvas, whose hidden RGB is usually black: a naive
 * "composite on white" or "drop alpha" loses the digit half of the time. So:
 *  - mostly transparent picture → the alpha channel *is* the ink (colour ignored), rendered as
 *    dark strokes on white;
 *  - a few transparent pixels (rounded corners, a cut-out margin) → they get the paper colour
 *    (median of the opaque pixels), so they never look like ink;
 *  - opaque → unchanged (its RGBA bytes are kept as they are).
 */
import type { ColourPlanes, FloatImage, RgbaImage } from './raster.ts';
import { opaqueLumSimd } from './morphologyWasm.ts';

export interface FlatImage {
  width: number;
  height: number;
  /** R, G, B, 0..255: float planes, or an opaque picture's own RGBA bytes (`planesOf` makes the planes). */
  colour: ColourPlanes;
  /** Set when the ink came from the alpha channel: polarity is then known, not guessed. */
  alphaIsInk: boolean;
}

/** Fraction of transparent pixels above which the opaque part is taken to be the drawing itself. */
const ALPHA_INK_FRACTION = 0.5;

export function flattenAlpha(img: RgbaImage): FlatImage {
  const n = img.width * img.height;
  const d = img.data;
  let transparent = 0;
  let partial = 0;
  for (let i = 0; i < n; i++) {
    const a = d[i * 4 + 3];
    if (a < 128) transparent++;
    if (a < 255) partial++;
  }
  const { width, height } = img;
  if (partial === 0) return { width, height, colour: { kind: 'rgba', data: d }, alphaIsInk: false };
  const r = new Float32Array(n);
  if (transparent >= ALPHA_INK_FRACTION * n) {
    // one grey plane, shared by the three channels
    for (let i = 0; i < n; i++) r[i] = 255 - d[i * 4 + 3];
    return { width, height, colour: { kind: 'planes', planes: [r, r, r] }, alphaIsInk: true };
  }
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const paper = medianOpaqueColour(img);
  for (let i = 0; i < n; i++) {
    const a = d[i * 4 + 3] / 255;
    r[i] = a * d[i * 4] + (1 - a) * paper[0];
    g[i] = a * d[i * 4 + 1] + (1 - a) * paper[1];
    b[i] = a * d[i * 4 + 2] + (1 - a) * paper[2];
  }
  return { width, height, colour: { kind: 'planes', planes: [r, g, b] }, alphaIsInk: false };
}

/** The R, G, B float planes of a flattened picture (made from its bytes when it is opaque). */
export function planesOf(flat: FlatImage): [Float32Array, Float32Array, Float32Array] {
  if (flat.colour.kind === 'planes') return flat.colour.planes;
  const d = flat.colour.data;
  const n = flat.width * flat.height;
  const planes: [Float32Array, Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) planes[c][i] = d[i * 4 + c];
  return planes;
}

function medianOpaqueColour(img: RgbaImage): [number, number, number] {
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let count = 0;
  const d = img.data;
  for (let i = 0; i < img.width * img.height; i++) {
    if (d[i * 4 + 3] < 128) continue;
    hist[0][d[i * 4]]++;
    hist[1][d[i * 4 + 1]]++;
    hist[2][d[i * 4 + 2]]++;
    count++;
  }
  return [histMedian(hist[0], count), histMedian(hist[1], count), histMedian(hist[2], count)];
}

function histMedian(h: Uint32Array, count: number): number {
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += h[v];
    if (acc * 2 >= count) return v;
  }
  return 255;
}

/**
 * flattenAlpha and luminance together: for an opaque picture in one pass of the SIMD module when
 * it is loaded (the same floats; the picture's bytes kept as its colour, no planes copied), else
 * the two in turn.
 */
export function flattenWithLuminance(img: RgbaImage): { flat: FlatImage; lum: FloatImage } {
  const { width, height } = img;
  const lum = opaqueLumSimd(img.data, width * height);
  if (lum) return { flat: { width, height, colour: { kind: 'rgba', data: img.data }, alphaIsInk: false }, lum: { width, height, data: lum } };
  const flat = flattenAlpha(img);
  return { flat, lum: luminance(flat) };
}

/** Rec. 709 luminance of the flattened picture, 0..255. */
export function luminance(flat: FlatImage): FloatImage {
  const [r, g, b] = planesOf(flat);
  const out = new Float32Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = 0.2126 * r[i] + 0.7152 * g[i] + 0.0722 * b[i];
  return { width: flat.width, height: flat.height, data: out };
}
