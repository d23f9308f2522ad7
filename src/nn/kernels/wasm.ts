/**
 * The WebAssembly SIMD kernels (gemm.wat for the GEMM, ops.wat for everything else), compiled
 * in-process with wabt so that no binary is committed. Compilation happens once per process; each heap then gets its own cheap,
 * synchronous instance importing that heap's memory.
 */
import { readFile } from 'node:fs/promises';
import v8 from 'node:v8';
import type { Heap } from '../heap.ts';
import { checkGemmArgs } from './check.ts';
import { activationForwardJs } from './ops.ts';
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

/** What ops.wat exports (see ops.ts for the TypeScript twins). */
interface OpsExports {
  sgd(p: number, g: number, vel: number, n: number, lr: number, decay: number, momentum: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, step: number, b1: number, b2: number, c1: number, c2: number, eps: number, decay: number): void;
  bias_rows(y: number, bias: number, rows: number, n: number): void;
  column_sums(dst: number, src: number, rows: number, n: number): void;
  relu_forward(x: number, y: number, n: number): void;
  activation_backward(kind: number, y: number, dy: number, dx: number, n: number): void;
  multiply(a: number, b: number, out: number, n: number): void;
  maxpool_forward(x: number, y: number, arg: number, batch: number, H: number, W: number, C: number, p: number, s: number, OH: number, OW: number): void;
  maxpool_backward(dy: number, dx: number, arg: number, outCount: number, inCount: number): void;
  im2row(x: number, rows: number, batch: number, H: number, W: number, C: number, k: number, s: number, pad: number, OH: number, OW: number): void;
  row2im(rows: number, dx: number, batch: number, H: number, W: number, C: number, k: number, s: number, pad: number, OH: number, OW: number): void;
}

export interface WasmModules {
  gemm: WebAssembly.Module;
  ops: WebAssembly.Module;
  /** whether the GEMM micro-kernel uses fused multiply-adds (f32x4.relaxed_madd) */
  fma: boolean;
}

let compiling: Promise<WasmModules> | undefined;
let compiled: WasmModules | undefined;

/**
 * Compiles gemm.wat and ops.wat once per process (later calls share the result), with the
 * fused multiply-add GEMM where available (see `wantFma`).
 */
export function compileWasmModules(): Promise<WasmModules> {
  compiling ??= compileWasmModulesWith({ fma: wantFma() }).then(
    (modules) => (compiled = modules),
    (err: unknown) => {
      compiling = undefined; // let a later call retry rather than cache the failure
      throw err;
    },
  );
  return compiling;
}

/** The compiled modules if compileWasmModules() has finished, for synchronous construction. */
export function compiledWasmModules(): WasmModules | undefined {
  return compiled;
}

/**
 * Compiles fresh modules (uncached; tests use it to check both GEMM variants). With fma, the
 * GEMM uses f32x4.relaxed_madd if the runtime accepts relaxed SIMD, else falls back quietly.
 */
export async function compileWasmModulesWith(options: { fma: boolean }): Promise<WasmModules> {
  const gemmText = await source('./gemm.wat');
  let fma = false;
  let gemm: WebAssembly.Module | undefined;
  if (options.fma && enableRelaxedSimd()) {
    gemm = await compile('gemm.wat (fma)', fusedMultiplyAdds(gemmText), true);
    fma = true;
  }
  gemm ??= await compile('gemm.wat', gemmText, false);
  const ops = await compile('ops.wat', await source('./ops.wat'), false);
  return { gemm, ops, fma };
}

/**
 * Fused multiply-adds make the GEMM ~40% faster here (x86-64 with FMA3: 37-41 instead of
 * 27-29 GFLOP/s on the reference CNN's conv2 shapes), but relaxed SIMD is still behind
 * --experimental-wasm-relaxed-simd in Node 20 (V8 11.3; it ships in V8 11.4). The results
 * differ from separate multiply and add by float32 rounding only, and are deterministic on a
 * given machine. DIGIT_FMA=0 turns it off (e.g. to compare runs bit for bit across machines).
 */
function wantFma(): boolean {
  const value = process.env.DIGIT_FMA?.trim() || '1';
  if (value === '1' || value === 'on') return true;
  if (value === '0' || value === 'off') return false;
  throw new Error(`DIGIT_FMA must be 1 or 0, got "${value}"`);
}

/**
 * A module whose one function computes f32x4.relaxed_madd: it validates exactly when the
 * runtime accepts relaxed SIMD.
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, // code: one body of 11 bytes, no locals
  0x20, 0x00, 0x20, 0x01, 0x20, 0x02, // local.get 0, 1, 2
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x0b, // end
]);

/** True when relaxed SIMD validates, after enabling V8's flag for it if needed. */
function enableRelaxedSimd(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  // The flag only widens what wasm modules may contain; V8 reads it when validating.
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(RELAXED_PROBE);
}

/**
 * Rewrites the micro-kernel's `c += a·b` steps, written in gemm.wat as
 * (f32x4.add (local.get $cIJ) (f32x4.mul (local.get $av) (local.get $bJ))), into fused
 * multiply-adds. Exactly eight are expected (the 4×8 tile), so that a change to gemm.wat
 * that breaks the pattern fails loudly instead of silently running unfused.
 */
export function fusedMultiplyAdds(text: string): string {
  let count = 0;
  const out = text.replace(
    /\(f32x4\.add \(local\.get (\$c\d\d)\) \(f32x4\.mul \(local\.get \$av\) \(local\.get (\$b\d)\)\)\)/g,
    (_match, c: string, b: string) => {
      count++;
      return `(f32x4.relaxed_madd (local.get $av) (local.get ${b}) (local.get ${c}))`;
    },
  );
  if (count !== 8) throw new Error(`gemm.wat: expected 8 multiply-adds to fuse, found ${count}`);
  return out;
}

async function source(file: string): Promise<string> {
  return readFile(new URL(file, import.meta.url), 'utf8');
}

async function compile(name: string, text: string, relaxed: boolean): Promise<WebAssembly.Module> {
  const wabt = await (await import('wabt')).default();
  const parsed = wabt.parseWat(name, text, { simd: true, bulk_memory: true, relaxed_simd: relaxed });
  try {
    parsed.resolveNames();
    parsed.validate();
    const { buffer } = parsed.toBinary({});
    return await WebAssembly.compile(new Uint8Array(buffer)); // a copy owned by an ArrayBuffer
  } finally {
    parsed.destroy();
  }
}

const ACTIVATION_CODE = { relu: 0, sigmoid: 1, tanh: 2 } as const;

/** Instantiates the compiled module over `heap`; reserves its fixed scratch from the heap. */
export function instantiateWasmKernels(modules: WasmModules, heap: Heap): Kernels {
  const imports = { env: { memory: heap.memory } };
  const wasm = new WebAssembly.Instance(modules.gemm, imports).exports as unknown as GemmExports;
  const ops = new WebAssembly.Instance(modules.ops, imports).exports as unknown as OpsExports;
  const scratch = heap.alloc(wasm.scratch_floats());
  return {
    name: 'wasm-simd',
    // The element-wise kernels trust their callers (the layers) for pointers and sizes: a
    // pointer past the heap traps in wasm, but none is checked against its neighbours.
    sgdUpdate(p, g, vel, n, lr, decay, momentum) {
      ops.sgd(p, g, vel, n, lr, decay, momentum);
    },
    adamUpdate(p, g, m, v, n, stepSize, beta1, beta2, epsilon, decay) {
      ops.adam(p, g, m, v, n, stepSize, beta1, beta2, 1 - beta1, 1 - beta2, epsilon, decay);
    },
    biasRows(y, bias, rows, n) {
      ops.bias_rows(y, bias, rows, n);
    },
    columnSums(dst, src, rows, n) {
      ops.column_sums(dst, src, rows, n);
    },
    activationForward(kind, x, y, n) {
      // No accurate vector exp/tanh here: sigmoid and tanh stay in TypeScript.
      if (kind === 'relu') ops.relu_forward(x, y, n);
      else activationForwardJs(heap.f32, kind, x, y, n);
    },
    activationBackward(kind, y, dy, dx, n) {
      ops.activation_backward(ACTIVATION_CODE[kind], y, dy, dx, n);
    },
    multiply(a, b, out, n) {
      ops.multiply(a, b, out, n);
    },
    maxpoolForward(x, y, argmax, g, batch) {
      if (batch > 0) ops.maxpool_forward(x, y, argmax, batch, g.H, g.W, g.C, g.size, g.stride, g.OH, g.OW);
    },
    maxpoolBackward(dy, dx, argmax, outCount, inCount) {
      ops.maxpool_backward(dy, dx, argmax, outCount, inCount);
    },
    im2row(x, rows, g, batch) {
      if (batch > 0) ops.im2row(x, rows, batch, g.H, g.W, g.C, g.kernel, g.stride, g.pad, g.OH, g.OW);
    },
    row2im(rows, dx, g, batch) {
      if (batch > 0) ops.row2im(rows, dx, batch, g.H, g.W, g.C, g.kernel, g.stride, g.pad, g.OH, g.OW);
    },
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
  return instantiateWasmKernels(await compileWasmModules(), heap);
}
