/**
 * Choosing the GEMM implementation.
 *
 * The SIMD kernels are compiled from text once per process, which is asynchronous; networks
 * are built synchronously. So: `await initKernels()` once at startup (or in a test's
 * beforeAll), then build kernels anywhere with `createKernelsSync(heap)`. `createKernels`
 * does both for callers that can await.
 *
 * 'auto' means wasm-simd when the runtime validates SIMD code, else the reference. The
 * environment variable DIGIT_KERNELS (auto | wasm-simd | reference) decides what 'auto'
 * means, e.g. DIGIT_KERNELS=reference to rule out the SIMD kernels when chasing a bug; an
 * explicit preference passed in code is always honoured (tests compare the two).
 */
import type { Heap } from '../heap.ts';
import { createReferenceKernels } from './reference.ts';
import type { Kernels } from './types.ts';
import { compileWasmModules, compiledWasmModules, instantiateWasmKernels } from './wasm.ts';

export type { Kernels } from './types.ts';
export type KernelPreference = 'auto' | 'wasm-simd' | 'reference';

/** Compiles the SIMD kernels if the runtime supports them. Idempotent; cheap after the first call. */
export async function initKernels(): Promise<void> {
  if (simdSupported()) await compileWasmModules();
}

/** Builds kernels over `heap`, compiling the SIMD module first if needed. */
export async function createKernels(heap: Heap, prefer: KernelPreference = 'auto'): Promise<Kernels> {
  if (choose(prefer) === 'wasm-simd') await compileWasmModules();
  return createKernelsSync(heap, prefer);
}

/**
 * Builds kernels over `heap` synchronously. Throws if the SIMD kernels are chosen but
 * initKernels() has not completed, rather than silently running ~30× slower.
 */
export function createKernelsSync(heap: Heap, prefer: KernelPreference = 'auto'): Kernels {
  if (choose(prefer) === 'reference') return createReferenceKernels(heap);
  const modules = compiledWasmModules();
  if (!modules) throw new Error('SIMD kernels are not compiled yet: await initKernels() once at startup');
  return instantiateWasmKernels(modules, heap);
}

function choose(prefer: KernelPreference): 'wasm-simd' | 'reference' {
  const wanted = prefer === 'auto' ? preferenceFromEnv() : prefer;
  if (wanted === 'reference') return 'reference';
  if (simdSupported()) return 'wasm-simd';
  if (wanted === 'wasm-simd') throw new Error('wasm-simd kernels requested, but this runtime has no WebAssembly SIMD');
  return 'reference';
}

function preferenceFromEnv(): KernelPreference {
  const value = process.env.DIGIT_KERNELS?.trim() || 'auto';
  if (value === 'auto' || value === 'wasm-simd' || value === 'reference') return value;
  throw new Error(`DIGIT_KERNELS must be auto, wasm-simd or reference, got "${value}"`);
}

/**
 * A module whose one function returns a v128 constant: it validates exactly when the runtime
 * implements SIMD. Not cached, so that tests can stub WebAssembly.validate; it costs microseconds.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, // code: no locals, v128.const
  ...new Array<number>(16).fill(0), 0x0b, // 16 zero bytes, end
]);

function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}
