/**
 * The WebAssembly SIMD GEMM (gemm.wat), compiled in-process with wabt so that no binary is
 * committed. Compilation happens once per process; each heap then gets its own cheap,
 * synchronous instance importing that heap's memory.
 */
import { readFile } from 'node:fs/promises';
import type { Heap } from '../heap.ts';
import { checkGemmArgs } from './check.ts';
import { referenceUpdates } from './update.ts';
import type { Kernels } from './types.ts';

/** What gemm.wat exports. Booleans cross as 0/1; pointers and strides are float indices. */
interface GemmExports {
  gemm(
    transA: number, transB: number,
    M: number, N: number, K: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
    accumulate: number, scratch: number,
  ): void;
  scratch_floats(): number;
}

let compiling: Promise<WebAssembly.Module> | undefined;
let compiled: WebAssembly.Module | undefined;

/** Compiles gemm.wat once per process (later calls share the result). */
export function compileGemmModule(): Promise<WebAssembly.Module> {
  compiling ??= compile().then(
    (module) => (compiled = module),
    (err: unknown) => {
      compiling = undefined; // let a later call retry rather than cache the failure
      throw err;
    },
  );
  return compiling;
}

/** The compiled module if compileGemmModule() has finished, for synchronous construction. */
export function compiledGemmModule(): WebAssembly.Module | undefined {
  return compiled;
}

async function compile(): Promise<WebAssembly.Module> {
  const url = new URL('./gemm.wat', import.meta.url);
  const text = await readFile(url, 'utf8');
  const wabt = await (await import('wabt')).default();
  const parsed = wabt.parseWat(url.pathname, text, { simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    const { buffer } = parsed.toBinary({});
    return await WebAssembly.compile(new Uint8Array(buffer)); // a copy owned by an ArrayBuffer
  } finally {
    parsed.destroy();
  }
}

/** Instantiates the compiled module over `heap`; reserves its fixed scratch from the heap. */
export function instantiateWasmKernels(module: WebAssembly.Module, heap: Heap): Kernels {
  const instance = new WebAssembly.Instance(module, { env: { memory: heap.memory } });
  const wasm = instance.exports as unknown as GemmExports;
  const scratch = heap.alloc(wasm.scratch_floats());
  return {
    name: 'wasm-simd',
    // TODO(simd): the optimizer updates still run the TypeScript loops.
    ...referenceUpdates(heap),
    gemm(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate) {
      checkGemmArgs(heap.memory.buffer.byteLength / 4, transA, transB, M, N, K, a, lda, b, ldb, c, ldc);
      if (M === 0 || N === 0) return;
      if (K === 0) {
        // op(A)·op(B) is all zeros: C keeps its values or is cleared.
        if (!accumulate) {
          const f = heap.f32;
          for (let i = 0; i < M; i++) f.fill(0, c + i * ldc, c + i * ldc + N);
        }
        return;
      }
      wasm.gemm(+transA, +transB, M, N, K, a, lda, b, ldb, c, ldc, +accumulate, scratch);
    },
  };
}

export async function createWasmKernels(heap: Heap): Promise<Kernels> {
  return instantiateWasmKernels(await compileGemmModule(), heap);
}
