/**
 * The WebAssembly twins (morphology.wat) of the vision pipeline's hot loops: morphology.ts's
 * min/max filters, top-hat histograms and box blur, and lines.ts's Hough counts. Compiled in
 * process with wabt like src/nn's kernels. Loading is asynchronous and optional: readDigits
 * awaits it once, and until it has finished (or where SIMD is missing) the TypeScript filters
 * run instead. Both give the same floats (test/vision/steps.test.ts), so an answer never depends
 * on which ran. Own memory, reused from call to call (the pipeline is synchronous).
 */
import { readFile } from 'node:fs/promises';
import type { ColourPlanes, FloatImage, MaskImage } from './raster.ts';

interface MorphExports {
  col_ext(src: number, dst: number, stride: number, h: number, size: number, isMax: number, g: number, hh: number): void;
  col_row_from(input: number, dst: number, stride: number, w: number, h: number, size: number, isMax: number, g: number, hh: number, block: number, buf: number, ring: number, tags: number, rows: number): void;
  col_diff_hist(src: number, input: number, stride: number, w: number, h: number, size: number, isMax: number, g: number, hh: number, block: number, hist: number, scratch: number): void;
  row_ext(src: number, dst: number, w: number, h: number, stride: number, size: number, isMax: number, buf: number): void;
  diff_hist(a: number, b: number, w: number, h: number, stride: number, hist: number, scratch: number): void;
  box_rows(src: number, dst: number, w: number, h: number, r: number, line: number): void;
  box_cols(src: number, dst: number, w: number, h: number, r: number, prefix: number): void;
  hough_add(xs: number, ys: number, list: number, n: number, cos: number, sin: number, angles: number, hist: number, size: number, reach: number, delta: number): void;
  lerp_rows(rows: number, stride: number, y0s: number, y1s: number, fys: number, out: number, w: number, h: number): void;
  lerp_ink(rows: number, stride: number, y0s: number, y1s: number, fys: number, row: number, w: number, h: number, p: number, ink: number, mode: number): void;
  ink_update(bg: number, p: number, ink: number, n: number, dark: number): void;
  ink_update_bytes(bg: number, p: number, ink: number, n: number): void;
  pool(src: number, stride: number, w: number, h: number, f: number, isMax: number, acc: number, out: number, ow: number): void;
  dilate_mask(src: number, tmp: number, dst: number, w: number, h: number, r: number, stride: number): void;
  ink_hist(ink: number, n: number, below: number, scratch: number, out: number): void;
  binarize(ink: number, w: number, h: number, threshold: number, mask: number, stride: number): void;
  stroke_stats(mask: number, w: number, h: number, stride: number, out: number): void;
  opaque_lum(rgba: number, n: number, lum: number, out: number): void;
  channel_plane(rgba: number, c: number, w: number, h: number, stride: number, dst: number): void;
  rgb_of_rgba(rgba: number, n: number, rgb: number, out: number): void;
  ext_row(dst: number, a: number, b: number, bytes: number, isMax: number): void;
  noise_hist(ink: number, near: number, w: number, h: number, stride: number, scratch: number, out: number): void;
  across_rows(s: number, sw: number, sh: number, x0s: number, x1s: number, fxs: number, rows: number, w: number, rstride: number): void;
  argmax(p: number, n: number): number;
}

/** Bilinear interpolation taps (illumination.ts): per output sample the two grid cells and the weight of the second. */
export interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  t: Float64Array;
}

/**
 * How illumination.ts estimates the paper of a plane: block extremum over f×f blocks (none when
 * f = 1), closing (dark ink) or opening of k cells, box blur of k kept on the paper's side, and
 * with f > 1 the taps to interpolate the grid back to full size.
 */
export interface PaperPlan {
  f: number;
  k: number;
  dark: boolean;
  grid: { x: Taps; y: Taps } | null;
}

/** Strip counts of lines.ts's Hough transform: angles × size, flat, and how to take pixels out. */
export interface HoughCounts {
  hist: Int32Array;
  /** takes pixels strip[0..taken) out of the counts of every angle */
  subtract(strip: Int32Array, taken: number): void;
  /** the first (angle-major) of the highest counts, or best 0 at 0 when none is above 0 */
  peak(): { best: number; at: number };
}

/** One separable extremum filter: size×size square, max (dilation) or min (erosion). */
export interface ExtremumStep {
  size: number;
  isMax: boolean;
}

const PAGE_BYTES = 65536;
type Kernels = { exports: MorphExports; memory: WebAssembly.Memory };
let kernels: Kernels | undefined;
/** A second instance with its own memory: the ink map accumulates there while the filters use the first. */
let inkKernels: Kernels | undefined;
let loading: Promise<boolean> | undefined;
/**
 * The picture whose bytes (or planes) and first `planes` colour planes are in inkKernels' memory
 * now: inkMapSimd's calls for the same picture (the wide and the fitted window, both polarities)
 * copy it in and make its planes once. The pipeline never writes a decoded picture's pixels.
 */
let inkSource: { source: unknown; w: number; h: number; planes: number } | undefined;

/** Compiles morphology.wat once per process; true when the SIMD filters are in use. Never rejects. */
export function loadMorphologyKernels(): Promise<boolean> {
  loading ??= compile().then(
    ([k, ink]) => {
      kernels = k;
      inkKernels = ink;
      return true;
    },
    () => false, // no SIMD (or no wabt): the TypeScript filters stay in use
  );
  return loading;
}

async function compile(): Promise<[Kernels, Kernels]> {
  const wabt = await (await import('wabt')).default();
  const parsed = wabt.parseWat('morphology.wat', await readFile(new URL('./morphology.wat', import.meta.url), 'utf8'), { simd: true, bulk_memory: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    const module = await WebAssembly.compile(new Uint8Array(parsed.toBinary({}).buffer));
    const instance = (): Kernels => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
      return { exports: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as MorphExports, memory };
    };
    return [instance(), instance()];
  } finally {
    parsed.destroy();
  }
}

/** Where the planes of one call live in the module's memory (float offsets) and how they are laid out. */
interface Layout {
  w: number;
  h: number;
  w4: number;
  h4: number;
  /** the picture as copied in (rows w4 apart), kept for the top-hats */
  input: number;
  /** three planes of w4 × h4 floats and the two scratch planes of a pass */
  planes: [number, number, number];
  g: number;
  hh: number;
  /** 2 × 256 histogram counts, then 4 × 256 + 4 of scratch */
  hist: number;
  /** `extra` more planes (w4 × h4 floats each) from here */
  extra: number;
}

/** Lays the planes out for a w×h picture and windows up to maxSize (and `extra` planes more), grows the memory, copies img in. */
function prepare(img: FloatImage, maxSize: number, memory: WebAssembly.Memory, extra = 0): Layout {
  const { width: w, height: h } = img;
  const w4 = (w + 3) & ~3;
  const h4 = (h + 3) & ~3;
  const plane = w4 * h4; // whole 4×4 tiles: the pad rows and columns hold junk that no result reads
  const padded = (Math.max(w, h) + 2 * maxSize) * Math.max(w4, h4);
  const input = 4;
  const planes: [number, number, number] = [input + plane, input + 2 * plane, input + 3 * plane];
  const g = input + 4 * plane;
  const hh = g + padded;
  const hist = hh + padded;
  const more = (hist + 512 + 1028 + 3) & ~3;
  const bytes = (more + extra * plane) * 4;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  const f32 = new Float32Array(memory.buffer);
  for (let y = 0; y < h; y++) f32.set(img.data.subarray(y * w, y * w + w), input + y * w4);
  return { w, h, w4, h4, input, planes, g, hh, hist, extra: more };
}

/** Runs `steps` on the plane at `from` (a plane of `l`, or its input); returns where the result is. */
function run(k: MorphExports, l: Layout, from: number, steps: ExtremumStep[]): number {
  const [p0, p1, p2] = l.planes;
  let a = from;
  for (const step of steps) {
    const size = Math.max(1, step.size | 1);
    const isMax = step.isMax ? 1 : 0;
    const c = a === p1 ? p2 : p1; // never the plane read from, never the input
    k.row_ext(a * 4, p0 * 4, l.w, l.h, l.w4, size, isMax, l.g * 4); // along the rows (g as the row buffer)
    k.col_ext(p0 * 4, c * 4, l.w4, l.h, size, isMax, l.g * 4, l.hh * 4); // down the columns
    a = c;
  }
  return a;
}

/**
 * Applies `steps` in order (each a full size×size square filter, window clamped at the borders)
 * and returns the result, or null when the SIMD kernels are not loaded. Rows first (row_ext,
 * by doubling within each row), then columns (col_ext, van Herk a whole row at a time).
 */
export function extremaSimd(img: FloatImage, steps: ExtremumStep[]): Float32Array | null {
  if (!kernels || steps.length === 0) return null;
  const { exports: k, memory } = kernels;
  const l = prepare(img, steps.reduce((m, s) => Math.max(m, Math.max(1, s.size | 1)), 1), memory);
  const at = run(k, l, l.input, steps);
  const f32 = new Float32Array(memory.buffer);
  const out = new Float32Array(l.w * l.h);
  for (let y = 0; y < l.h; y++) out.set(f32.subarray(at + y * l.w4, at + y * l.w4 + l.w), y * l.w);
  return out;
}

/**
 * The histograms (256 bins, values rounded and clamped to 0..255) of the black top-hat
 * (closing − picture) and the white top-hat (picture − opening) at each window of `sizes`, or
 * null when the SIMD kernels are not loaded: the picture is copied in once for all the windows
 * and the planes never leave the module.
 */
export function topHatHistogramsSimd(img: FloatImage, sizes: readonly number[]): { dark: Uint32Array; light: Uint32Array }[] | null {
  if (!kernels) return null;
  if (sizes.length === 0) return [];
  const { exports: k, memory } = kernels;
  const windows = [...new Set(sizes.map((size) => Math.max(1, size | 1)))];
  // one more "plane" for the ring's tags (a row per slot: at most h4 of them)
  const l = prepare(img, Math.max(...windows), memory, 1);
  const counts = new Map<number, { dark: Uint32Array; light: Uint32Array }>(windows.map((size) => [size, { dark: new Uint32Array(256), light: new Uint32Array(256) }]));
  const [p0, p1, p2] = l.planes;
  // g's first row is col_stream's carry row; row_ext's buffer follows it
  const buf = (l.g + l.w4) * 4;
  // per window the closing (max first: the black top-hat), then the opening, each in two calls:
  // the first filter's column pass over its row pass made a row at a time in a ring (p2), each
  // finished row put through the second filter's row pass (col_row_from), then the second
  // column pass with each finished row counted at once (col_diff_hist): no plane in between
  for (const size of windows) {
    for (const isMax of [true, false]) {
      const ext = isMax ? 1 : 0;
      k.col_row_from(l.input * 4, p0 * 4, l.w4, l.w, l.h, size, ext, l.g * 4, l.hh * 4, p1 * 4, buf, p2 * 4, l.extra * 4, Math.min(2 * size, l.h4));
      new Uint32Array(memory.buffer, l.hist * 4, 256).fill(0);
      k.col_diff_hist(p0 * 4, l.input * 4, l.w4, l.w, l.h, size, 1 - ext, l.g * 4, l.hh * 4, p1 * 4, l.hist * 4, (l.hist + 512) * 4);
      counts.get(size)![isMax ? 'dark' : 'light'].set(new Uint32Array(memory.buffer, l.hist * 4, 256));
    }
  }
  return sizes.map((size) => {
    const c = counts.get(Math.max(1, size | 1))!;
    return { dark: c.dark.slice(), light: c.light.slice() };
  });
}

/**
 * Box blur (boxBlur in morphology.ts: the clamped mean over size×size), or null when not loaded;
 * `within` 'below' / 'above': then the smaller / larger of the mean and the picture, per pixel.
 */
export function boxBlurSimd(img: FloatImage, size: number, within?: 'below' | 'above'): Float32Array | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  const { width: w, height: h } = img;
  const r = Math.max(0, size >> 1);
  const n = w * h;
  // float offsets; the f64 areas start on an even float
  const src = 4;
  const tmp = src + n;
  const dst = tmp + n;
  const line = (dst + n + 1) & ~1;
  const prefix = line + 4 * (w + 1);
  const bytes = (prefix + 2 * (h + 1) * w + 4) * 4; // one f64 more: box_cols works on pairs of columns
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  new Float32Array(memory.buffer).set(img.data, src);
  k.box_rows(src * 4, tmp * 4, w, h, r, line * 4);
  k.box_cols(tmp * 4, dst * 4, w, h, r, prefix * 4);
  // over whole groups of four: the lanes past n land in `line`, no longer needed
  if (within) k.ext_row(dst * 4, dst * 4, src * 4, (4 * n + 15) & ~15, within === 'above' ? 1 : 0);
  return new Float32Array(memory.buffer, dst * 4, n).slice();
}

/**
 * The Hough counts of lines.ts (houghCountsJs) in the module, or null when it is not loaded. The
 * counts live in the module's memory: valid until the next call of any function here.
 */
export function houghCountsSimd(xs: Int32Array, ys: Int32Array, cos: Float64Array, sin: Float64Array, size: number, reach: number): HoughCounts | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  const n = xs.length;
  const angles = cos.length;
  // a multiple of 4 angles for the kernel (eight, then four, at a time): the last ones cos = sin = 0, their counts in rows past the real ones
  const even = (angles + 3) & ~3;
  // byte offsets
  const px = 16;
  const py = px + 4 * n;
  const list = py + 4 * n;
  const pc = (list + 4 * n + 7) & ~7;
  const ps = pc + 8 * even;
  const hist = ps + 8 * even;
  const bytes = hist + 4 * even * size;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  const buf = memory.buffer;
  new Int32Array(buf, px, n).set(xs);
  new Int32Array(buf, py, n).set(ys);
  new Float64Array(buf, pc, even).fill(0).set(cos);
  new Float64Array(buf, ps, even).fill(0).set(sin);
  new Int32Array(buf, hist, even * size).fill(0);
  const counts = new Int32Array(buf, hist, angles * size);
  k.hough_add(px, py, 0, n, pc, ps, even, hist, size, reach, 1);
  const strip = new Int32Array(buf, list, n);
  return {
    hist: counts,
    subtract(taken: Int32Array, count: number) {
      strip.set(taken.subarray(0, count));
      k.hough_add(px, py, list, count, pc, ps, even, hist, size, reach, -1);
    },
    peak() {
      const at = k.argmax(hist, angles * size);
      return at < 0 ? { best: 0, at: 0 } : { best: counts[at], at };
    },
  };
}

/**
 * The ink map of illumination.ts (inkMapTs there) in the module, or null when it is not loaded:
 * per colour plane (the first `channels` of R, G, B) the paper by `plan` — pool, closing or
 * opening, blur kept on the paper's side, interpolation back — then the ink loop, four pixels at
 * a time in f64; the same kernels and arithmetic as the separate steps, so the same floats. The
 * picture is copied in once and no plane leaves the module but the ink map.
 */
export function inkMapSimd(colour: ColourPlanes, w: number, h: number, channels: number, plan: PaperPlan): Float32Array | null {
  if (!inkKernels) return null;
  const { exports: k, memory } = inkKernels;
  const { f, k: size, dark, grid } = plan;
  const n = w * h;
  const w4 = (w + 3) & ~3;
  const h4 = (h + 3) & ~3;
  // the plane the paper is closed on: the grid of blocks, or (f = 1) the picture itself
  const cw = grid ? Math.ceil(w / f) : w;
  const ch = grid ? Math.ceil(h / f) : h;
  const cw4 = (cw + 3) & ~3;
  const ch4 = (ch + 3) & ~3;
  const cn = cw * ch;
  // byte offsets, each area on 16 bytes with 16 spare (kernels that run past an odd end)
  let end = 16;
  const area = (bytes: number): number => {
    const at = end;
    end = (end + bytes + 31) & ~15;
    return at;
  };
  // first the picture and its planes, at offsets that depend on its size alone: kept from one
  // call to the next for the same picture (its wide and its fitted map, both polarities)
  const rgba = colour.kind === 'rgba' ? area(4 * n) : 0;
  const colourPlanes = [area(4 * w4 * h4), area(4 * w4 * h4), area(4 * w4 * h4)];
  const ink = area(4 * w4 * h);
  const bg = grid ? area(4 * (w4 + 4)) : area(4 * w4 * h);
  const acc = area(4 * w4);
  const pooled = area(4 * cn);
  const input = grid ? area(4 * cw4 * ch4) : 0;
  const planes: [number, number, number] = [area(4 * cw4 * ch4), area(4 * cw4 * ch4), area(4 * cw4 * ch4)];
  const padded = (Math.max(cw, ch) + 2 * Math.max(1, size | 1)) * Math.max(cw4, ch4);
  const g = area(4 * padded);
  const hh = area(4 * padded);
  const blurIn = area(4 * cn);
  const blurTmp = area(4 * cn);
  const blurOut = area(4 * cn);
  const line = area(16 * (cw + 1));
  const prefix = area(8 * ((ch + 1) * cw + 1));
  const rows = grid ? area(8 * w4 * ch) : 0;
  const x0s = area(4 * w4);
  const x1s = area(4 * w4);
  const fxs = area(8 * w4);
  const y0s = area(4 * h);
  const y1s = area(4 * h);
  const fys = area(8 * h);
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE_BYTES));
  const buf = memory.buffer;
  const f32 = new Float32Array(buf);
  /** rows of `width` floats from `from` (rows `fromStride` apart) to `to` (rows `toStride` apart), float offsets */
  const copyRows = (from: number, fromStride: number, to: number, toStride: number, width: number, height: number): void => {
    if (fromStride === width && toStride === width) f32.copyWithin(to, from, from + width * height);
    else for (let y = 0; y < height; y++) f32.copyWithin(to + y * toStride, from + y * fromStride, from + y * fromStride + width);
  };
  const source = colour.kind === 'rgba' ? colour.data : colour.planes;
  if (!inkSource || inkSource.source !== source || inkSource.w !== w || inkSource.h !== h) {
    inkSource = { source, w, h, planes: 0 };
    if (colour.kind === 'rgba') new Uint8Array(buf, rgba, 4 * n).set(colour.data.subarray(0, 4 * n));
  }
  if (grid) {
    new Int32Array(buf, x0s, w4).fill(0).set(grid.x.lo);
    new Int32Array(buf, x1s, w4).fill(0).set(grid.x.hi);
    new Float64Array(buf, fxs, w4).fill(0).set(grid.x.t);
    new Int32Array(buf, y0s, h).set(grid.y.lo);
    new Int32Array(buf, y1s, h).set(grid.y.hi);
    new Float64Array(buf, fys, h).set(grid.y.t);
  }
  f32.fill(0, ink / 4, ink / 4 + w4 * h);
  const layout: Layout = { w: cw, h: ch, w4: cw4, h4: ch4, input: (grid ? input : colourPlanes[0]) / 4, planes: [planes[0] / 4, planes[1] / 4, planes[2] / 4], g: g / 4, hh: hh / 4, hist: 0, extra: 0 };
  const r = Math.max(0, size >> 1);
  // a picture's bytes and dark ink: the same floats in f32 (ink_update_bytes says why)
  const mode = dark && colour.kind === 'rgba' ? 2 : dark ? 1 : 0;
  for (let c = 0; c < channels; c++) {
    const plane = colourPlanes[c];
    if (inkSource.planes <= c) {
      if (colour.kind === 'rgba') k.channel_plane(rgba, c, w, h, w4, plane);
      else {
        const src = colour.planes[c];
        if (w4 === w) f32.set(src, plane / 4);
        else for (let y = 0; y < h; y++) f32.set(src.subarray(y * w, y * w + w), plane / 4 + y * w4);
      }
      inkSource.planes = c + 1;
    }
    if (grid) {
      k.pool(plane, w4, w, h, f, dark ? 1 : 0, acc, pooled, cw);
      copyRows(pooled / 4, cw, input / 4, cw4, cw, ch);
    } else layout.input = plane / 4;
    // the closing (dark ink) or opening of the grid, then its blur kept on the paper's side
    const closed = run(k, layout, layout.input, [{ size, isMax: dark }, { size, isMax: !dark }]);
    copyRows(closed, cw4, blurIn / 4, cw, cw, ch);
    k.box_rows(blurIn, blurTmp, cw, ch, r, line);
    k.box_cols(blurTmp, blurOut, cw, ch, r, prefix);
    k.ext_row(blurOut, blurOut, blurIn, (4 * cn + 15) & ~15, dark ? 0 : 1);
    if (grid) {
      // the grid interpolated across, then down one row at a time into the ink update
      k.across_rows(blurOut, cw, ch, x0s, x1s, fxs, rows, w4, w4);
      k.lerp_ink(rows, 8 * w4, y0s, y1s, fys, bg, w4, h, plane, ink, mode);
    } else {
      copyRows(blurOut / 4, w, bg / 4, w4, w, h);
      if (mode === 2) k.ink_update_bytes(bg, plane, ink, w4 * h);
      else k.ink_update(bg, plane, ink, w4 * h, mode);
    }
  }
  const out = new Float32Array(n);
  if (w4 === w) out.set(f32.subarray(ink / 4, ink / 4 + n));
  else for (let y = 0; y < h; y++) out.set(f32.subarray(ink / 4 + y * w4, ink / 4 + y * w4 + w), y * w);
  return out;
}

/**
 * The mask copied into the module (zero-padded) and dilated there over a size×size square: where
 * the result's rows start (`dst`, `stride` bytes apart) and `end`, the first free byte after it,
 * with `extra` bytes of room from there.
 */
function dilateInModule(k: MorphExports, memory: WebAssembly.Memory, mask: MaskImage, size: number, extra: number): { dst: number; stride: number; end: number } {
  const { width: w, height: h, data } = mask;
  const r = Math.max(1, size | 1) >> 1;
  const stride = (((w + 15) & ~15) + 2 * r + 15) & ~15;
  const padded = (h + 2 * r) * stride;
  // byte offsets
  const src = 16;
  const tmp = src + padded;
  const dst = tmp + padded;
  const end = (dst + h * stride + 15) & ~15;
  const bytes = end + extra;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  const u8 = new Uint8Array(memory.buffer);
  u8.fill(0, src, tmp);
  for (let y = 0; y < h; y++) u8.set(data.subarray(y * w, y * w + w), src + (y + r) * stride + r);
  k.dilate_mask(src, tmp, dst, w, h, r, stride);
  return { dst, stride, end };
}

/** morphology.ts's dilateMask (a 0/1 mask over a size×size square) in the module, or null when it is not loaded. */
export function dilateMaskSimd(mask: MaskImage, size: number): MaskImage | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  const { width: w, height: h } = mask;
  const { dst, stride } = dilateInModule(k, memory, mask, size, 0);
  const u8 = new Uint8Array(memory.buffer);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) out.set(u8.subarray(dst + y * stride, dst + y * stride + w), y * w);
  return { width: w, height: h, data: out };
}

/**
 * The histograms of normalise.ts's chooseThreshold in the module, or null when it is not loaded:
 * Otsu's 256 bins (threshold.ts otsuHistogram) of the values below `below`, and the 1001
 * quantile bins (quantileHistogram) of all values.
 */
export function inkHistogramsSimd(ink: Float32Array, below: number): { otsu: Float64Array; quantiles: Uint32Array } | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  const n = ink.length;
  // byte offsets
  const src = 16;
  const scratch = src + 4 * n;
  const out = scratch + 4 * 4 * 1257;
  const bytes = out + 4 * 1257;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  new Float32Array(memory.buffer, src, n).set(ink);
  k.ink_hist(src, n, below, scratch, out);
  const counts = new Uint32Array(memory.buffer, out, 1257);
  return { otsu: Float64Array.from(counts.subarray(0, 256)), quantiles: counts.slice(256) };
}

/**
 * The ink mask (`ink > threshold`) and its stroke statistics (ink pixels; those with a
 * 4-neighbour outside the ink or the picture) in the module, or null when it is not loaded.
 */
export function binarizeSimd(ink: FloatImage, threshold: number): { mask: MaskImage; area: number; perimeter: number } | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  const { width: w, height: h } = ink;
  const n = w * h;
  const stride = (w + 18 + 15) & ~15;
  // byte offsets
  const src = 16;
  const mask = src + 4 * n;
  const out = (mask + (h + 2) * stride + 16) & ~7;
  const bytes = out + 16;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  new Float32Array(memory.buffer, src, n).set(ink.data);
  k.binarize(src, w, h, threshold, mask, stride);
  k.stroke_stats(mask, w, h, stride, out);
  const u8 = new Uint8Array(memory.buffer);
  const data = new Uint8Array(n);
  for (let y = 0; y < h; y++) data.set(u8.subarray(mask + (y + 1) * stride + 1, mask + (y + 1) * stride + 1 + w), y * w);
  const [area, perimeter] = new Int32Array(memory.buffer, out, 2);
  return { mask: { width: w, height: h, data }, area, perimeter };
}

/**
 * flatten.ts's luminance of an opaque picture in the module, or null when the module is not
 * loaded or some pixel is not fully opaque (flattenAlpha's other cases).
 */
export function opaqueLumSimd(rgba: Uint8Array, n: number): Float32Array | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  const n4 = (n + 3) & ~3;
  // byte offsets
  const src = 16;
  const lum = src + 4 * n4;
  const out = lum + 4 * n4;
  const bytes = out + 16;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  new Uint8Array(memory.buffer, src, 4 * n).set(rgba.subarray(0, 4 * n));
  k.opaque_lum(src, n, lum, out);
  if (new Int32Array(memory.buffer, out, 1)[0] !== 0) return null;
  return new Float32Array(memory.buffer, lum, n).slice();
}

/**
 * decode.ts's opaqueRgb in the module: `rgb` the RGB bytes of the n RGBA pixels (3 a pixel), or
 * null when some pixel is not fully opaque; null itself when the module is not loaded.
 */
export function opaqueRgbSimd(rgba: Uint8Array, n: number): { rgb: Uint8Array | null } | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  // byte offsets
  const src = 16;
  const rgb = (src + 4 * n + 16 + 15) & ~15;
  const out = (rgb + 3 * n + 16 + 15) & ~15;
  const bytes = out + 16;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  new Uint8Array(memory.buffer, src, 4 * n).set(rgba.subarray(0, 4 * n));
  k.rgb_of_rgba(src, n, rgb, out);
  return { rgb: new Int32Array(memory.buffer, out, 1)[0] !== 0 ? null : new Uint8Array(memory.buffer, rgb, 3 * n).slice() };
}

/**
 * normalise.ts noiseFloor's histogram (101 bins of round(ink · 100), clamped) of the pixels
 * farther than size/2 from every ink pixel of `mask` (outside dilateMask(mask, size)), or null
 * when the module is not loaded; the dilated mask never leaves the module.
 */
export function noiseHistogramSimd(ink: FloatImage, mask: MaskImage, size: number): Uint32Array | null {
  if (!kernels) return null;
  const { exports: k, memory } = kernels;
  const { width: w, height: h } = mask;
  const n = w * h;
  // byte offsets after the dilated mask: the ink map, 4 × 101 counts of scratch, 101 counts
  const { dst, stride, end: inkAt } = dilateInModule(k, memory, mask, size, 4 * n + 4 * 5 * 101);
  const scratch = inkAt + 4 * n;
  const out = scratch + 4 * 4 * 101;
  new Float32Array(memory.buffer, inkAt, n).set(ink.data);
  k.noise_hist(inkAt, dst, w, h, stride, scratch, out);
  return new Uint32Array(memory.buffer, out, 101).slice();
}
