import { beforeAll, describe, expect, it } from 'vitest';
import { Heap } from '../../src/nn/heap.ts';
import { createKernelsSync, initKernels } from '../../src/nn/kernels/index.ts';
import type { ActivationKind, ConvGeometry, Kernels, PoolGeometry } from '../../src/nn/kernels/types.ts';

/**
 * The non-GEMM kernels: wasm-simd against the TypeScript reference on random data, with odd
 * sizes (tails of n % 4, channels not a multiple of 4, padding, strides), plus a few exact
 * values for the reference itself. Each comparison runs both kernels on copies of the same
 * inputs in one heap and compares every output float, and checks floats just past each
 * output are untouched.
 */

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const GUARD = 4;
const SENTINEL = -777.25;

interface Buf {
  ptr: number;
  n: number;
}

/** A heap, both kernels over it, and helpers to lay out random buffers with guard floats. */
class Bench {
  readonly heap = new Heap();
  readonly wasm: Kernels;
  readonly ref: Kernels;
  constructor(readonly rand: () => number) {
    this.wasm = createKernelsSync(this.heap, 'wasm-simd');
    this.ref = createKernelsSync(this.heap, 'reference');
  }

  /** n floats (uniform in [lo, hi)) followed by GUARD sentinels. */
  random(n: number, lo = -1, hi = 1): Buf {
    const ptr = this.heap.alloc(n + GUARD);
    const f = this.heap.f32;
    for (let i = 0; i < n; i++) f[ptr + i] = lo + (hi - lo) * this.rand();
    f.fill(SENTINEL, ptr + n, ptr + n + GUARD);
    return { ptr, n };
  }

  copy(b: Buf): Buf {
    const ptr = this.heap.alloc(b.n + GUARD);
    this.heap.f32.copyWithin(ptr, b.ptr, b.ptr + b.n + GUARD);
    return { ptr, n: b.n };
  }

  values(b: Buf): Float32Array {
    return this.heap.f32.slice(b.ptr, b.ptr + b.n);
  }

  /** Same floats (to a relative tolerance), and the guards intact in both. */
  expectClose(got: Buf, want: Buf, what: string, tol = 1e-6): void {
    const f = this.heap.f32;
    let worst = 0;
    for (let i = 0; i < want.n; i++) {
      const g = f[got.ptr + i];
      const w = f[want.ptr + i];
      const err = Math.abs(g - w) / Math.max(1, Math.abs(w));
      if (!(err <= tol)) throw new Error(`${what}: float ${i} is ${g}, reference ${w}`);
      worst = Math.max(worst, err);
    }
    for (let i = 0; i < GUARD; i++) {
      expect(f[got.ptr + got.n + i], `${what}: wasm wrote past the end`).toBe(SENTINEL);
      expect(f[want.ptr + want.n + i], `${what}: reference wrote past the end`).toBe(SENTINEL);
    }
    expect(worst).toBeLessThanOrEqual(tol);
  }
}

const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 33, 100, 131];

beforeAll(async () => {
  await initKernels();
});

describe('optimizer updates', () => {
  it('sgd with and without momentum and decay', () => {
    const t = new Bench(lcg(1));
    for (const n of SIZES) {
      for (const [momentum, decay, useVel] of [[0, 0, false], [0, 1e-3, false], [0.9, 0, true], [0.9, 5e-4, true], [0.5, 0, false]] as const) {
        const p = t.random(n);
        const g = t.random(n);
        const v = t.random(n, -0.1, 0.1);
        const [p2, v2] = [t.copy(p), t.copy(v)];
        for (let step = 0; step < 3; step++) {
          t.ref.sgdUpdate(p.ptr, g.ptr, useVel ? v.ptr : 0, n, 0.05, decay, momentum);
          t.wasm.sgdUpdate(p2.ptr, g.ptr, useVel ? v2.ptr : 0, n, 0.05, decay, momentum);
        }
        t.expectClose(p2, p, `sgd n=${n} μ=${momentum} decay=${decay}`);
        t.expectClose(v2, v, `sgd velocity n=${n}`);
      }
    }
  });

  it('adam', () => {
    const t = new Bench(lcg(2));
    for (const n of SIZES) {
      for (const decay of [0, 1e-3]) {
        const p = t.random(n);
        const m = t.random(n, -0.01, 0.01);
        const v = t.random(n, 0, 1e-4);
        const [p2, m2, v2] = [t.copy(p), t.copy(m), t.copy(v)];
        for (let step = 1; step <= 3; step++) {
          const g = t.random(n, -0.1, 0.1);
          const stepSize = (1e-3 * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
          t.ref.adamUpdate(p.ptr, g.ptr, m.ptr, v.ptr, n, stepSize, 0.9, 0.999, 1e-8, decay);
          t.wasm.adamUpdate(p2.ptr, g.ptr, m2.ptr, v2.ptr, n, stepSize, 0.9, 0.999, 1e-8, decay);
        }
        t.expectClose(p2, p, `adam p n=${n}`, 1e-6);
        t.expectClose(m2, m, `adam m n=${n}`, 1e-6);
        t.expectClose(v2, v, `adam v n=${n}`, 1e-6);
      }
    }
  });
});

describe('bias broadcast and column sums', () => {
  it('match on odd shapes', () => {
    const t = new Bench(lcg(3));
    for (const rows of [1, 2, 3, 10, 64]) {
      for (const n of [1, 3, 4, 5, 8, 10, 30, 32, 33, 64, 128]) {
        const bias = t.random(n);
        const y = t.random(rows * n);
        const y2 = t.copy(y);
        t.ref.biasRows(y.ptr, bias.ptr, rows, n);
        t.wasm.biasRows(y2.ptr, bias.ptr, rows, n);
        t.expectClose(y2, y, `biasRows ${rows}×${n}`, 0);
        const src = t.random(rows * n);
        const d = t.random(n);
        const d2 = t.copy(d);
        t.ref.columnSums(d.ptr, src.ptr, rows, n);
        t.wasm.columnSums(d2.ptr, src.ptr, rows, n);
        t.expectClose(d2, d, `columnSums ${rows}×${n}`, 1e-6);
      }
    }
  });

  it('reference values', () => {
    const t = new Bench(lcg(4));
    const src = t.heap.alloc(6);
    t.heap.f32.set([1, 2, 3, 4, 5, 6], src);
    for (const k of [t.ref, t.wasm]) {
      const d = t.heap.alloc(3);
      k.columnSums(d, src, 2, 3);
      expect(Array.from(t.heap.view32(d, 3))).toEqual([5, 7, 9]);
      const y = t.heap.alloc(6);
      k.biasRows(y, src, 2, 3);
      expect(Array.from(t.heap.view32(y, 6))).toEqual([1, 2, 3, 1, 2, 3]);
    }
  });
});

describe('activations and element-wise products', () => {
  it('forward and backward match for relu, sigmoid and tanh', () => {
    const t = new Bench(lcg(5));
    for (const kind of ['relu', 'sigmoid', 'tanh'] as ActivationKind[]) {
      for (const n of SIZES) {
        const x = t.random(n, -3, 3);
        const y = t.random(n);
        const y2 = t.copy(y);
        t.ref.activationForward(kind, x.ptr, y.ptr, n);
        t.wasm.activationForward(kind, x.ptr, y2.ptr, n);
        t.expectClose(y2, y, `${kind} forward n=${n}`, 0);
        const dy = t.random(n);
        const dx = t.random(n);
        const dx2 = t.copy(dx);
        t.ref.activationBackward(kind, y.ptr, dy.ptr, dx.ptr, n);
        t.wasm.activationBackward(kind, y.ptr, dy.ptr, dx2.ptr, n);
        t.expectClose(dx2, dx, `${kind} backward n=${n}`, 1e-6);
      }
    }
  });

  it('relu maps NaN, −0 and negatives to +0, in place too', () => {
    const t = new Bench(lcg(6));
    for (const k of [t.ref, t.wasm]) {
      const x = t.heap.alloc(6);
      t.heap.f32.set([NaN, -0, -2, 3, 0.5, -Infinity], x);
      k.activationForward('relu', x, x, 6);
      const out = Array.from(t.heap.view32(x, 6));
      expect(out).toEqual([0, 0, 0, 3, 0.5, 0]);
      expect(out.every((v) => !Object.is(v, -0))).toBe(true);
    }
  });

  it('multiply', () => {
    const t = new Bench(lcg(7));
    for (const n of SIZES) {
      const a = t.random(n);
      const b = t.random(n);
      const o = t.random(n);
      const o2 = t.copy(o);
      t.ref.multiply(a.ptr, b.ptr, o.ptr, n);
      t.wasm.multiply(a.ptr, b.ptr, o2.ptr, n);
      t.expectClose(o2, o, `multiply n=${n}`, 0);
    }
  });
});

function poolGeometry(H: number, W: number, C: number, size: number, stride: number): PoolGeometry {
  return { H, W, C, size, stride, OH: Math.floor((H - size) / stride) + 1, OW: Math.floor((W - size) / stride) + 1 };
}

describe('max pooling', () => {
  const geometries: PoolGeometry[] = [
    poolGeometry(4, 4, 1, 2, 2),
    poolGeometry(24, 24, 32, 2, 2),
    poolGeometry(8, 8, 64, 2, 2),
    poolGeometry(5, 7, 3, 2, 2),
    poolGeometry(7, 5, 6, 3, 2),
    poolGeometry(6, 6, 5, 3, 1),
    poolGeometry(3, 3, 9, 3, 3),
  ];

  it('forward, argmax and backward match on odd shapes', () => {
    const t = new Bench(lcg(8));
    for (const g of geometries) {
      for (const batch of [1, 3]) {
        const inCount = batch * g.H * g.W * g.C;
        const outCount = batch * g.OH * g.OW * g.C;
        const x = t.random(inCount);
        // Some ties, so that the first-wins rule is exercised.
        const f = t.heap.f32;
        for (let i = 0; i < inCount; i += 7) f[x.ptr + i] = 0.5;
        const [y, y2] = [t.random(outCount), t.random(outCount)];
        const [arg, arg2] = [t.random(outCount), t.random(outCount)];
        t.ref.maxpoolForward(x.ptr, y.ptr, arg.ptr, g, batch);
        t.wasm.maxpoolForward(x.ptr, y2.ptr, arg2.ptr, g, batch);
        const what = `maxpool ${JSON.stringify(g)} batch ${batch}`;
        t.expectClose(y2, y, what, 0);
        const ints = new Int32Array(t.heap.memory.buffer);
        expect(Array.from(ints.subarray(arg2.ptr, arg2.ptr + outCount)), what).toEqual(Array.from(ints.subarray(arg.ptr, arg.ptr + outCount)));
        // Every winner is in range and holds the output value.
        for (let o = 0; o < outCount; o++) expect(f[x.ptr + ints[arg.ptr + o]]).toBe(f[y.ptr + o]);

        const dy = t.random(outCount);
        const [dx, dx2] = [t.random(inCount), t.random(inCount)];
        t.ref.maxpoolBackward(dy.ptr, dx.ptr, arg.ptr, outCount, inCount);
        t.wasm.maxpoolBackward(dy.ptr, dx2.ptr, arg.ptr, outCount, inCount);
        t.expectClose(dx2, dx, `${what} backward`, 1e-6);
      }
    }
  });
});

function convGeometry(H: number, W: number, C: number, kernel: number, stride: number, pad: number): ConvGeometry {
  return { H, W, C, kernel, stride, pad, OH: Math.floor((H + 2 * pad - kernel) / stride) + 1, OW: Math.floor((W + 2 * pad - kernel) / stride) + 1 };
}

describe('im2row and row2im', () => {
  const geometries: ConvGeometry[] = [
    convGeometry(28, 28, 1, 5, 1, 0), // reference CNN, layer 1
    convGeometry(12, 12, 32, 5, 1, 0), // layer 2
    convGeometry(8, 8, 2, 3, 1, 1),
    convGeometry(7, 9, 3, 3, 2, 0),
    convGeometry(7, 9, 3, 3, 2, 1),
    convGeometry(5, 6, 5, 5, 1, 2),
    convGeometry(4, 4, 7, 3, 3, 2), // padding wider than some runs
    convGeometry(1, 1, 1, 1, 1, 0),
    convGeometry(3, 5, 6, 4, 1, 3),
  ];

  it('match on odd shapes, padding and strides', () => {
    const t = new Bench(lcg(9));
    for (const g of geometries) {
      for (const batch of [1, 2]) {
        const what = `${JSON.stringify(g)} batch ${batch}`;
        const inCount = batch * g.H * g.W * g.C;
        const rowCount = batch * g.OH * g.OW * g.kernel * g.kernel * g.C;
        const x = t.random(inCount);
        const [r, r2] = [t.random(rowCount), t.random(rowCount)];
        t.ref.im2row(x.ptr, r.ptr, g, batch);
        t.wasm.im2row(x.ptr, r2.ptr, g, batch);
        t.expectClose(r2, r, `im2row ${what}`, 0);

        const dRows = t.random(rowCount);
        const [dx, dx2] = [t.random(inCount), t.random(inCount)];
        t.ref.row2im(dRows.ptr, dx.ptr, g, batch);
        t.wasm.row2im(dRows.ptr, dx2.ptr, g, batch);
        t.expectClose(dx2, dx, `row2im ${what}`, 1e-5);
      }
    }
  });

  it('row2im is the adjoint of im2row: <im2row(x), r> = <x, row2im(r)>', () => {
    const t = new Bench(lcg(10));
    for (const k of [t.ref, t.wasm]) {
      for (const g of geometries) {
        const inCount = 2 * g.H * g.W * g.C;
        const rowCount = 2 * g.OH * g.OW * g.kernel * g.kernel * g.C;
        const x = t.random(inCount);
        const r = t.random(rowCount);
        const rows = t.random(rowCount);
        const dx = t.random(inCount);
        k.im2row(x.ptr, rows.ptr, g, 2);
        k.row2im(r.ptr, dx.ptr, g, 2);
        const f = t.heap.f32;
        let left = 0;
        let right = 0;
        for (let i = 0; i < rowCount; i++) left += f[rows.ptr + i] * f[r.ptr + i];
        for (let i = 0; i < inCount; i++) right += f[x.ptr + i] * f[dx.ptr + i];
        expect(Math.abs(left - right), `${k.name} ${JSON.stringify(g)}`).toBeLessThan(1e-3 * (1 + Math.abs(left)));
      }
    }
  });
});
