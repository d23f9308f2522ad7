/**
 * The WebAssembly SIMD twin of morphology.ts's min/max filters (morphology.wat), compiled in
 * process with wabt like src/nn's kernels. Loading is asynchronous and optional: readDigits
 * awaits it once, and until it has finished (or where SIMD is missing) the TypeScript filters
 * run instead. Both give the same floats (test/vision/steps.test.ts), so an answer never depends
 * on which ran. Own memory, reused from call to call (the pipeline is synchronous).
 */
import { readFile } from 'node:fs/promises';
import type { FloatImage } from './raster.ts';

interface MorphExports {
  col_ext(src: number, dst: number, stride: number, h: number, size: number, isMax: number, g: number, hh: number): void;
  transpose(src: number, dst: number, w: number, h: number, sstride: number, dstride: number): void;
}

/** One separable extremum filter: size×size square, max (dilation) or min (erosion). */
export interface ExtremumStep {
  size: number;
  isMax: boolean;
}

const PAGE_BYTES = 65536;
let kernels: { exports: MorphExports; memory: WebAssembly.Memory } | undefined;
let loading: Promise<boolean> | undefined;

/** Compiles morphology.wat once per process; true when the SIMD filters are in use. Never rejects. */
export function loadMorphologyKernels(): Promise<boolean> {
  loading ??= compile().then(
    (k) => {
      kernels = k;
      return true;
    },
    () => false, // no SIMD (or no wabt): the TypeScript filters stay in use
  );
  return loading;
}

async function compile(): Promise<{ exports: MorphExports; memory: WebAssembly.Memory }> {
  const wabt = await (await import('wabt')).default();
  const parsed = wabt.parseWat('morphology.wat', await readFile(new URL('./morphology.wat', import.meta.url), 'utf8'), { simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    const module = await WebAssembly.compile(new Uint8Array(parsed.toBinary({}).buffer));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return { exports: instance.exports as unknown as MorphExports, memory };
  } finally {
    parsed.destroy();
  }
}

/**
 * Applies `steps` in order (each a full size×size square filter, window clamped at the borders)
 * and returns the result, or null when the SIMD kernels are not loaded. The row pass is the
 * column pass of the transposed plane.
 */
export function extremaSimd(img: FloatImage, steps: ExtremumStep[]): Float32Array | null {
  if (!kernels || steps.length === 0) return null;
  const { width: w, height: h } = img;
  const { exports: k, memory } = kernels;
  const w4 = (w + 3) & ~3;
  const h4 = (h + 3) & ~3;
  const plane = w4 * h4; // whole 4×4 tiles: the pad rows and columns hold junk that no result reads
  const maxSize = steps.reduce((m, s) => Math.max(m, Math.max(1, s.size | 1)), 1);
  const padded = (Math.max(w, h) + 2 * maxSize) * Math.max(w4, h4);
  // float offsets: a (normal), b (transposed), c (either), g and hh (the pass's scratch)
  let a = 4;
  const b = a + plane;
  let c = b + plane;
  const g = c + plane;
  const hh = g + padded;
  const bytes = (hh + padded) * 4;
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
  const f32 = new Float32Array(memory.buffer);
  for (let y = 0; y < h; y++) f32.set(img.data.subarray(y * w, y * w + w), a + y * w4);
  for (const step of steps) {
    const size = Math.max(1, step.size | 1);
    const isMax = step.isMax ? 1 : 0;
    k.transpose(a * 4, b * 4, w4, h4, w4, h4);
    k.col_ext(b * 4, c * 4, h4, w, size, isMax, g * 4, hh * 4); // along the rows
    k.transpose(c * 4, a * 4, h4, w4, h4, w4);
    k.col_ext(a * 4, c * 4, w4, h, size, isMax, g * 4, hh * 4); // down the columns
    [a, c] = [c, a];
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) out.set(f32.subarray(a + y * w4, a + y * w4 + w), y * w);
  return out;
}
