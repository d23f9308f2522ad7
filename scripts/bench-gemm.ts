/**
 * GEMM throughput of each kernel on shapes the network actually runs (single thread).
 *   npx tsx scripts/bench-gemm.ts [--seconds 0.3] [--no-reference]
 */
import { num, parseCli } from '../src/cli/args.ts';
import { Heap } from '../src/nn/heap.ts';
import { createReferenceKernels } from '../src/nn/kernels/reference.ts';
import type { Kernels } from '../src/nn/kernels/types.ts';
import { compiledWasmModules, createWasmKernels } from '../src/nn/kernels/wasm.ts';

interface Shape {
  what: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

const shapes: Shape[] = [
  { what: 'dense fwd  64×1024 ← 800', transA: false, transB: false, M: 64, N: 1024, K: 800 },
  { what: 'dense fwd  512×64 ← 800', transA: false, transB: false, M: 512, N: 64, K: 800 },
  { what: 'dense dW   784×256 (Xᵀ·dY, batch 64)', transA: true, transB: false, M: 784, N: 256, K: 64 },
  { what: 'dense dX   64×784 (dY·Wᵀ, 256 units)', transA: false, transB: true, M: 64, N: 784, K: 256 },
  { what: 'conv fwd   9216×32 ← 25 (im2col)', transA: false, transB: false, M: 9216, N: 32, K: 25 },
  { what: 'conv fwd   1024×64 ← 800 (im2col)', transA: false, transB: false, M: 1024, N: 64, K: 800 },
  { what: 'conv dW    800×64 ← 1024', transA: true, transB: false, M: 800, N: 64, K: 1024 },
  { what: 'both T     256×256 ← 256', transA: true, transB: true, M: 256, N: 256, K: 256 },
  { what: 'cnn c1 fwd 36864×32 ← 25', transA: false, transB: false, M: 36864, N: 32, K: 25 },
  { what: 'cnn c1 dW  25×32 ← 36864 (TN)', transA: true, transB: false, M: 25, N: 32, K: 36864 },
  { what: 'cnn c2 fwd 4096×64 ← 800', transA: false, transB: false, M: 4096, N: 64, K: 800 },
  { what: 'cnn c2 dW  800×64 ← 4096 (TN)', transA: true, transB: false, M: 800, N: 64, K: 4096 },
  { what: 'cnn c2 dX  4096×800 ← 64 (NT)', transA: false, transB: true, M: 4096, N: 800, K: 64 },
  { what: 'small      10×30 ← 784', transA: false, transB: false, M: 10, N: 30, K: 784 },
  { what: 'mlp fwd    10×150 ← 784', transA: false, transB: false, M: 10, N: 150, K: 784 },
  { what: 'mlp dW     784×150 ← 10 (TN)', transA: true, transB: false, M: 784, N: 150, K: 10 },
  { what: 'mlp dX     10×50 ← 100 (NT)', transA: false, transB: true, M: 10, N: 50, K: 100 },
  { what: 'batch 1    1×256 ← 784', transA: false, transB: false, M: 1, N: 256, K: 784 },
];

const USAGE = `npx tsx scripts/bench-gemm.ts [--seconds S] [--no-reference]

GEMM throughput (GFLOP/s) of each kernel on the shapes the networks run, one thread.
  --seconds S       time per shape and kernel (default 0.3)
  --no-reference    skip the plain TypeScript kernels`;
const { values: v } = parseCli(USAGE, { seconds: { type: 'string' }, 'no-reference': { type: 'boolean' } });
const seconds = num(v.seconds, 'seconds', 0.3, (n) => n > 0);

const heap = new Heap();
const withReference = !v['no-reference'];
const kernels: Kernels[] = [await createWasmKernels(heap), ...(withReference ? [createReferenceKernels(heap)] : [])];

/** GFLOP/s of `k` on `s`: warm up (lets V8 tier up), then repeat for about `seconds`. */
function measure(k: Kernels, s: Shape, a: number, b: number, c: number): number {
  const lda = s.transA ? s.M : s.K;
  const ldb = s.transB ? s.K : s.N;
  const run = (): void => k.gemm(s.transA, s.transB, s.M, s.N, s.K, a, lda, b, ldb, c, s.N, false);
  const warmUntil = performance.now() + seconds * 300;
  do run(); while (performance.now() < warmUntil);
  let reps = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    run();
    reps++;
    elapsed = performance.now() - start;
  } while (elapsed < seconds * 1000);
  return (2 * s.M * s.N * s.K * reps) / (elapsed * 1e6);
}

console.log(`GEMM with fused multiply-adds: ${compiledWasmModules()?.fma ? 'yes' : 'no'} (DIGIT_FMA=0 turns them off)`);
console.log(`${'shape'.padEnd(40)} ${kernels.map((k) => k.name.padStart(10)).join(' ')}   GFLOP/s`);
for (const s of shapes) {
  const a = heap.alloc(s.M * s.K);
  const b = heap.alloc(s.K * s.N);
  const c = heap.alloc(s.M * s.N);
  const f = heap.f32;
  for (let i = 0; i < s.M * s.K; i++) f[a + i] = Math.random() - 0.5;
  for (let i = 0; i < s.K * s.N; i++) f[b + i] = Math.random() - 0.5;
  const rates = kernels.map((k) => measure(k, s, a, b, c));
  console.log(`${s.what.padEnd(40)} ${rates.map((r) => r.toFixed(2).padStart(10)).join(' ')}`);
}
