/**
 * Step 4: one segment → the 28x28 image the model sees, made the way MNIST was: the ink cropped,
 * its longest side fitted into 20 px keeping the aspect ratio (area resampling gives the same
 * anti-aliased grey edges), then placed in 28x28 so that its centre of mass falls on pixel
 * (14, 14) — where MNIST's own digits have it, measured on the test set (14.01, 13.99).
 */
import { dilateMask, maxFilter } from './morphology.ts';
import { areaResample } from './resample.ts';
import { strokeWidth } from './components.ts';
import type { Box, FloatImage } from './raster.ts';
import type { Segment } from './segment.ts';
import { IMAGE_SIDE as SIDE } from '../data/mnist.ts';

export { SIDE };
export const FIT = 20;
export const CENTRE = 14;
/**
 * MNIST test digits have a stroke width (2·area/perimeter of the >50% pixels) of 2.9 px median,
 * 2.1 px at the 5th percentile. Thinner strokes (a fine pen on a big photo) are thickened to
 * about the median; anything MNIST-like is left alone so clean digits go through untouched.
 */
const MIN_STROKE = 1.9;
const TARGET_STROKE = 2.7;
/** Thickening is done at this multiple of the final size, for quarter-pixel control. */
const FINE = 4;
/** Pixels of the anti-aliased edge kept around the thresholded strokes (working pixels). */
const EDGE = 2;

export interface DigitImage {
  /** 784 floats in [0, 1], white ink on black. */
  image: Float32Array;
  /** Tight box of the ink used, working pixels. */
  box: Box;
  /** Stroke width after fitting into 20 px, before any thickening. */
  fittedStroke: number;
}

export interface InkSource {
  ink: FloatImage;
  labels: Int32Array;
  noiseFloor: number;
  threshold: number;
}

/** Cuts one segment's ink out of the ink map: its own components plus their soft edges only (within its columns, for a cut piece). */
export function cropSegment(src: InkSource, seg: Segment): { patch: FloatImage; box: Box } {
  const { width: w, height: h, data } = src.ink;
  // A cut piece keeps to its columns: the other digit's ink (and its soft edge) stays out.
  const x0 = Math.max(0, seg.box.x - EDGE, seg.columns?.from ?? 0);
  const y0 = Math.max(0, seg.box.y - EDGE);
  const x1 = Math.min(w, seg.box.x + seg.box.width + EDGE, seg.columns?.to ?? w);
  const y1 = Math.min(h, seg.box.y + seg.box.height + EDGE);
  const cw = x1 - x0;
  const ch = y1 - y0;
  // membership by label id (a byte table, not a Set lookup per pixel)
  const ids = new Uint8Array(Math.max(0, ...seg.componentIds) + 1);
  for (const id of seg.componentIds) ids[id] = 1;
  const member = new Uint8Array(cw * ch);
  const values = new Float32Array(cw * ch);
  let n = 0;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = (y + y0) * w + x + x0;
      const l = src.labels[i];
      if (l < ids.length && ids[l]) {
        member[y * cw + x] = 1;
        values[n++] = data[i];
      }
    }
  }
  const near = dilateMask({ width: cw, height: ch, data: member }, 2 * EDGE + 1).data;
  // Contrast stretch: the typical stroke core becomes 1, the paper noise 0.
  const top = Math.max(src.threshold, n ? kthSmallest(values.subarray(0, n), Math.floor(0.9 * (n - 1))) : 1);
  const floor = Math.min(src.noiseFloor, top * 0.5);
  const patch = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      if (!near[y * cw + x]) continue;
      const v = (data[(y + y0) * w + x + x0] - floor) / (top - floor);
      patch[y * cw + x] = v <= 0 ? 0 : v >= 1 ? 1 : v;
    }
  }
  return tighten({ width: cw, height: ch, data: patch }, x0, y0);
}

/**
 * The k-th smallest value (0-based) of `a`, which it reorders: what a[k] would be once sorted
 * (ink values are never NaN nor -0, so numerically), by selection instead of a whole sort.
 */
export function kthSmallest(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Hoare partition around the median of three
    const mid = (lo + hi) >> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Shrinks a patch to the box of its non-zero pixels; (ox, oy) is the patch's offset. */
export function tighten(p: FloatImage, ox: number, oy: number): { patch: FloatImage; box: Box } {
  let minX = p.width;
  let minY = p.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      if (p.data[y * p.width + x] <= 0) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return { patch: { width: 1, height: 1, data: new Float32Array(1) }, box: { x: ox, y: oy, width: 1, height: 1 } };
  const width = maxX - minX + 1;
  const height = maxY - minY + 1;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) data.set(p.data.subarray((y + minY) * p.width + minX, (y + minY) * p.width + minX + width), y * width);
  return { patch: { width, height, data }, box: { x: ox + minX, y: oy + minY, width, height } };
}

/** Fits the patch's longest side into `FIT` px, keeping the aspect ratio. */
export function fitTo20(patch: FloatImage): FloatImage {
  return fitTo(patch, FIT);
}

function fitTo(patch: FloatImage, side: number): FloatImage {
  const s = side / Math.max(patch.width, patch.height);
  const dw = Math.max(1, Math.min(side, Math.round(patch.width * s)));
  const dh = Math.max(1, Math.min(side, Math.round(patch.height * s)));
  return { width: dw, height: dh, data: areaResample(patch.data, patch.width, patch.height, dw, dh) };
}

/** Places a ≤20x20 patch in 28x28 with its centre of mass on (14, 14), shifting by whole pixels. */
export function centreByMass(patch: FloatImage): Float32Array {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < patch.height; y++) {
    for (let x = 0; x < patch.width; x++) {
      const v = patch.data[y * patch.width + x];
      m += v;
      sx += v * x;
      sy += v * y;
    }
  }
  const cx = m > 0 ? sx / m : (patch.width - 1) / 2;
  const cy = m > 0 ? sy / m : (patch.height - 1) / 2;
  // Whole-pixel shift (as MNIST) keeps the strokes crisp; clamped so no ink leaves the frame.
  const ox = clamp(Math.round(CENTRE - cx), 0, SIDE - patch.width);
  const oy = clamp(Math.round(CENTRE - cy), 0, SIDE - patch.height);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < patch.height; y++) {
    for (let x = 0; x < patch.width; x++) out[(y + oy) * SIDE + x + ox] = patch.data[y * patch.width + x];
  }
  return out;
}

/**
 * The whole step for one segment. Strokes that would end up thinner than MNIST's (a fine pen
 * on a large photo) are thickened by a grey dilation before fitting.
 */
export function segmentTo28(src: InkSource, seg: Segment): DigitImage {
  const { patch, box } = cropSegment(src, seg);
  const scale = FIT / Math.max(patch.width, patch.height);
  const fittedStroke = strokeWidth(seg.area, seg.perimeter) * scale;
  let fitted: FloatImage;
  if (fittedStroke < MIN_STROKE) {
    // Work at 4x the final size so the dilation can add a fraction of an output pixel.
    const fine = fitTo(patch, FIT * FINE);
    const grow = Math.max(1, Math.round(((TARGET_STROKE - fittedStroke) / 2) * FINE));
    const thick = tighten(maxFilter(pad(fine, grow), 2 * grow + 1), 0, 0).patch;
    fitted = fitTo(thick, FIT);
  } else {
    fitted = fitTo20(patch);
  }
  return { image: centreByMass(fitted), box, fittedStroke };
}

function pad(p: FloatImage, by: number): FloatImage {
  const width = p.width + 2 * by;
  const height = p.height + 2 * by;
  const data = new Float32Array(width * height);
  for (let y = 0; y < p.height; y++) data.set(p.data.subarray(y * p.width, (y + 1) * p.width), (y + by) * width + by);
  return { width, height, data };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Centre of mass of a 28x28 image (for tests and --explain). */
export function centreOfMass(img: Float32Array, side = SIDE): { x: number; y: number } {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < img.length; i++) {
    m += img[i];
    sx += img[i] * (i % side);
    sy += img[i] * Math.floor(i / side);
  }
  return m > 0 ? { x: sx / m, y: sy / m } : { x: NaN, y: NaN };
}
