import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Heap } from '../../src/nn/heap.ts';
import { createKernels, createKernelsSync, initKernels } from '../../src/nn/kernels/index.ts';
import { createReferenceKernels } from '../../src/nn/kernels/reference.ts';
import type { Kernels } from '../../src/nn/kernels/types.ts';
import { compileWasmModulesWith, createWasmKernels, fusedMultiplyAdds, instantiateWasmKernels } from '../../src/nn/kernels/wasm.ts';

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  /** extra floats per row beyond the stored width */
  padA: number;
  padB: number;
  padC: number;
  accumulate: boolean;
}

/** Small deterministic generator (the test must not depend on the nn package's Rng). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SENTINEL = 12345.5;

/**
 * Lays out A, B and C for `tc` in `heap` with random values, padding (stride slack) filled with
 * a sentinel, and a guard row of sentinels after C, so that stray writes are visible.
 */
function setup(heap: Heap, tc: Case, rand: () => number) {
  const aRows = tc.transA ? tc.K : tc.M;
  const aCols = tc.transA ? tc.M : tc.K;
  const bRows = tc.transB ? tc.N : tc.K;
  const bCols = tc.transB ? tc.K : tc.N;
  const lda = aCols + tc.padA;
  const ldb = bCols + tc.padB;
  const ldc = tc.N + tc.padC;
  const a = heap.alloc(aRows * lda);
  const b = heap.alloc(bRows * ldb);
  const cFloats = tc.M * ldc + 8;
  const c = heap.alloc(cFloats);
  const f = heap.f32;
  const fill = (ptr: number, rows: number, cols: number, ld: number): void => {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < ld; j++) f[ptr + r * ld + j] = j < cols ? rand() * 2 - 1 : SENTINEL;
    }
  };
  fill(a, aRows, aCols, lda);
  fill(b, bRows, bCols, ldb);
  fill(c, tc.M, tc.N, ldc);
  f.fill(SENTINEL, c + tc.M * ldc, c + cFloats);
  const c0 = f.slice(c, c + cFloats);
  return { a, b, c, lda, ldb, ldc, cFloats, c0 };
}

/** C from first principles: triple loop in float64 over op(A)(i,k), op(B)(k,j). */
function naive(f: Float32Array, tc: Case, s: ReturnType<typeof setup>): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(tc.M * tc.N);
  const scale = new Float64Array(tc.M * tc.N);
  for (let i = 0; i < tc.M; i++) {
    for (let j = 0; j < tc.N; j++) {
      let sum = tc.accumulate ? s.c0[i * s.ldc + j] : 0;
      let mag = Math.abs(sum);
      for (let k = 0; k < tc.K; k++) {
        const aik = tc.transA ? f[s.a + k * s.lda + i] : f[s.a + i * s.lda + k];
        const bkj = tc.transB ? f[s.b + j * s.ldb + k] : f[s.b + k * s.ldb + j];
        sum += aik * bkj;
        mag += Math.abs(aik * bkj);
      }
      value[i * tc.N + j] = sum;
      scale[i * tc.N + j] = mag;
    }
  }
  return { value, scale };
}

/** Runs `kernels` on `tc` and checks every C element against `expected`, and that padding and guard are untouched. */
function check(kernels: Kernels, heap: Heap, tc: Case, s: ReturnType<typeof setup>, expected: ReturnType<typeof naive>): void {
  heap.f32.set(s.c0, s.c);
  kernels.gemm(tc.transA, tc.transB, tc.M, tc.N, tc.K, s.a, s.lda, s.b, s.ldb, s.c, s.ldc, tc.accumulate);
  const f = heap.f32;
  let worst = 0;
  for (let i = 0; i < s.cFloats; i++) {
    const r = Math.floor(i / s.ldc);
    const j = i % s.ldc;
    const got = f[s.c + i];
    if (r < tc.M && j < tc.N) {
      const e = Math.abs(got - expected.value[r * tc.N + j]) / (expected.scale[r * tc.N + j] + 1e-30);
      worst = Math.max(worst, e);
    } else if (got !== SENTINEL) {
      throw new Error(`${kernels.name} wrote outside C at float ${i} of ${JSON.stringify(tc)}`);
    }
  }
  // float32 rounding relative to Σ|a·b|: ~K·2⁻²⁴ at worst, far below this for random data.
  expect(worst, `${kernels.name} ${JSON.stringify(tc)}`).toBeLessThan(1e-5);
}

const TRANSPOSES = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Hand-picked sizes: ones, odd sizes, exact tiles, tile ± 1, and shapes that cross the block sizes (MC=128, NC=256, KC=256). */
function edgeCases(): Case[] {
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 8, 1], [4, 1, 3], [1, 1, 37], [3, 5, 7], [4, 8, 16], [5, 9, 17], [7, 15, 2],
    [8, 16, 1], [10, 30, 784], [1, 256, 33], [33, 1, 65],
    [133, 40, 20], [9, 265, 30], [6, 10, 520], [130, 263, 259],
  ];
  const cases: Case[] = [];
  sizes.forEach(([M, N, K], n) => {
    for (const [transA, transB] of TRANSPOSES) {
      cases.push({ transA, transB, M, N, K, padA: n % 3, padB: (n * 5) % 4, padC: n % 2 ? 3 : 0, accumulate: n % 2 === 0 });
    }
  });
  return cases;
}

function randomCases(count: number, rand: () => number): Case[] {
  const dim = (): number => (rand() < 0.15 ? 1 : 1 + Math.floor(rand() * 70));
  return Array.from({ length: count }, () => ({
    transA: rand() < 0.5,
    transB: rand() < 0.5,
    M: dim(),
    N: dim(),
    K: dim(),
    padA: rand() < 0.5 ? 0 : Math.floor(rand() * 9),
    padB: rand() < 0.5 ? 0 : Math.floor(rand() * 9),
    padC: rand() < 0.5 ? 0 : Math.floor(rand() * 9),
    accumulate: rand() < 0.5,
  }));
}

describe('gemm kernels', () => {
  let heap: Heap;
  let wasm: Kernels;
  let reference: Kernels;

  beforeAll(async () => {
    heap = new Heap();
    wasm = await createWasmKernels(heap);
    reference = createReferenceKernels(heap);
  });

  it('reference and wasm-simd match a naive triple loop on edge shapes, all transposes, strides and accumulate', () => {
    const rand = lcg(1);
    for (const tc of edgeCases()) {
      const s = setup(heap, tc, rand);
      const expected = naive(heap.f32, tc, s);
      check(reference, heap, tc, s, expected);
      check(wasm, heap, tc, s, expected);
    }
  });

  it('wasm-simd matches the reference on random shapes', () => {
    const rand = lcg(2);
    // A throwaway heap per batch keeps memory small; the kernels are per heap.
    for (let batch = 0; batch < 4; batch++) {
      const h = new Heap();
      const w = createKernelsSync(h, 'wasm-simd');
      const r = createKernelsSync(h, 'reference');
      for (const tc of randomCases(100, rand)) {
        const s = setup(h, tc, rand);
        // The reference is itself checked against the naive loop above; compare against its result.
        const f = h.f32;
        f.set(s.c0, s.c);
        r.gemm(tc.transA, tc.transB, tc.M, tc.N, tc.K, s.a, s.lda, s.b, s.ldb, s.c, s.ldc, tc.accumulate);
        const value = new Float64Array(tc.M * tc.N);
        const scale = naive(h.f32, tc, s).scale;
        for (let i = 0; i < tc.M; i++) {
          for (let j = 0; j < tc.N; j++) value[i * tc.N + j] = h.f32[s.c + i * s.ldc + j];
        }
        check(w, h, tc, s, { value, scale });
      }
    }
  });

  it.each([true, false])('the GEMM variant with fused multiply-adds = %s matches the reference on edge and random shapes', async (fma) => {
    const modules = await compileWasmModulesWith({ fma });
    // fma is only granted where the runtime has relaxed SIMD (Node 20 on x86-64: yes, via V8's flag).
    if (!fma) expect(modules.fma).toBe(false);
    const rand = lcg(fma ? 11 : 12);
    const h = new Heap();
    const w = instantiateWasmKernels(modules, h);
    const r = createReferenceKernels(h);
    for (const tc of [...edgeCases(), ...randomCases(100, rand)]) {
      const s = setup(h, tc, rand);
      const expected = naive(h.f32, tc, s);
      check(r, h, tc, s, expected);
      check(w, h, tc, s, expected);
    }
  });

  it('the fused rewrite finds all eight multiply-adds of the micro-kernel', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../src/nn/kernels/gemm.wat', import.meta.url), 'utf8');
    expect(fusedMultiplyAdds(text).match(/\(f32x4\.relaxed_madd /g)).toHaveLength(8);
    expect(() => fusedMultiplyAdds('(module)')).toThrow(/expected 8/);
  });

  it('K = 0 clears C or leaves it; M = 0 or N = 0 touches nothing', () => {
    for (const k of [reference, wasm]) {
      const c = heap.alloc(12);
      heap.f32.fill(7, c, c + 12);
      k.gemm(false, false, 2, 3, 0, c, 1, c, 3, c, 5, true);
      expect(Array.from(heap.view32(c, 12))).toEqual(new Array(12).fill(7));
      k.gemm(false, false, 2, 3, 0, c, 1, c, 3, c, 5, false);
      expect(Array.from(heap.view32(c, 10))).toEqual([0, 0, 0, 7, 7, 0, 0, 0, 7, 7]);
      k.gemm(false, false, 0, 3, 4, c, 4, c, 3, c, 3, false);
      k.gemm(false, false, 2, 0, 4, c, 4, c, 1, c, 1, false);
      expect(heap.f32[c + 3]).toBe(7);
    }
  });

  it('rejects strides narrower than a row and pointers outside the heap', () => {
    const p = heap.alloc(64);
    const end = heap.memory.buffer.byteLength / 4;
    for (const k of [reference, wasm]) {
      expect(() => k.gemm(false, false, 2, 2, 4, p, 3, p, 2, p, 2, false)).toThrow(RangeError);
      expect(() => k.gemm(false, false, 2, 2, 2, p, 2, p, 2, end - 3, 2, false)).toThrow(RangeError);
      expect(() => k.gemm(false, false, 2, 2, 2, 0, 2, p, 2, p, 2, false)).toThrow(RangeError);
      expect(() => k.gemm(false, false, 1.5, 2, 2, p, 2, p, 2, p, 2, false)).toThrow(RangeError);
    }
  });

  it('wasm-simd keeps working after the heap grows', () => {
    const h = new Heap(65536);
    const k = createKernelsSync(h, 'wasm-simd');
    const before = h.memory.buffer.byteLength;
    const a = h.alloc(300 * 300);
    expect(h.memory.buffer.byteLength).toBeGreaterThan(before);
    const c = h.alloc(4);
    const f = h.f32;
    f.set([1, 2, 3, 4], a); // A = [[1, 2], [3, 4]]
    k.gemm(false, true, 2, 2, 2, a, 2, a, 2, c, 2, false); // A·Aᵀ
    expect(Array.from(h.view32(c, 4))).toEqual([5, 11, 11, 25]);
  });
});

describe('kernel selection', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('createKernelsSync needs initKernels before it can build the SIMD kernels', async () => {
    vi.resetModules(); // a fresh copy of the modules: nothing compiled yet
    const fresh = await import('../../src/nn/kernels/index.ts');
    expect(() => fresh.createKernelsSync(new Heap(), 'wasm-simd')).toThrow(/initKernels/);
    expect(fresh.createKernelsSync(new Heap(), 'reference').name).toBe('reference');
    await fresh.initKernels();
    expect(fresh.createKernelsSync(new Heap()).name).toBe('wasm-simd');
  });

  it('auto picks wasm-simd where SIMD validates', async () => {
    await initKernels();
    expect(createKernelsSync(new Heap()).name).toBe('wasm-simd');
    expect((await createKernels(new Heap(), 'reference')).name).toBe('reference');
  });

  it('DIGIT_KERNELS=reference forces the reference for auto', async () => {
    vi.stubEnv('DIGIT_KERNELS', 'reference');
    expect((await createKernels(new Heap())).name).toBe('reference');
    expect(createKernelsSync(new Heap(), 'auto').name).toBe('reference');
    vi.stubEnv('DIGIT_KERNELS', 'fast');
    expect(() => createKernelsSync(new Heap())).toThrow(/DIGIT_KERNELS/);
  });

  it('falls back to the reference when the runtime has no SIMD', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    expect((await createKernels(new Heap())).name).toBe('reference');
    await expect(createKernels(new Heap(), 'wasm-simd')).rejects.toThrow(/SIMD/);
  });
});
