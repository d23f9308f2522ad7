/**
 * Training throughput of whole networks on one thread, through the layers and kernels only
 * (no data pipeline): load a batch, forward + backward, one optimizer step. Inputs are random
 * (uniform [0, 1), like MNIST's range; timing does not depend on the values beyond ReLU
 * sparsity and pooling winners).
 *
 *   npx tsx scripts/bench-layers.ts [--repeat 3] [--only cnn|mlp30|mlp150] [--kernels wasm-simd|reference] [--profile]
 *   (DIGIT_FMA=0 for the GEMM without fused multiply-adds)
 *
 * Reports the best of `repeat` runs: seconds per 6,400 images for the reference CNN (batch 64,
 * Adam) and per 50,000 images for the MLPs [784,30,10] sigmoid/quadratic and
 * [784,150,50,100,10] ReLU/cross-entropy (batch 10, SGD). --profile adds one more run that
 * times every kernel call (GEMMs by shape) and prints where the time went.
 */
import { num, parseCli } from '../src/cli/args.ts';
import type { Heap } from '../src/nn/heap.ts';
import type { Kernels } from '../src/nn/kernels/types.ts';
import { initKernels, createKernelsSync, type KernelPreference } from '../src/nn/kernels/index.ts';
import { compiledWasmModules } from '../src/nn/kernels/wasm.ts';
import { Network } from '../src/nn/network.ts';
import { createOptimizer, type OptimizerSettings } from '../src/nn/optimizers.ts';
import { Rng } from '../src/nn/rng.ts';
import { cnnRefSpec, mlpSpec, type NetworkSpec } from '../src/nn/spec.ts';

const USAGE = `npx tsx scripts/bench-layers.ts [--repeat N] [--only cnn|mlp30|mlp150] [--kernels wasm-simd|reference] [--profile]

Training throughput of whole networks on one thread (layers and kernels only, random inputs).
  --repeat N     runs per network, the best is reported (default 3)
  --only NAME    one network: cnn, mlp30 or mlp150
  --kernels K    wasm-simd (default) or reference
  --profile      one more run timing every kernel call
DIGIT_FMA=0 in the environment: the GEMM without fused multiply-adds.`;
const { values: v } = parseCli(USAGE, { repeat: { type: 'string' }, only: { type: 'string' }, kernels: { type: 'string' }, profile: { type: 'boolean' } });
const repeat = num(v.repeat, 'repeat', 3, (n) => Number.isInteger(n) && n > 0);
const only = v.only ?? '';
const prefer = (v.kernels ?? 'wasm-simd') as KernelPreference;
const profile = v.profile === true;

interface Case {
  name: string;
  spec: NetworkSpec;
  batch: number;
  images: number;
  optimizer: OptimizerSettings;
  lr: number;
}

const cases: Case[] = [
  { name: 'cnn', spec: cnnRefSpec(), batch: 64, images: 6400, optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, lr: 0.001 },
  { name: 'mlp30', spec: mlpSpec([784, 30, 10], 'sigmoid', 'quadratic'), batch: 10, images: 50000, optimizer: { type: 'sgd', momentum: 0 }, lr: 0.5 },
  { name: 'mlp150', spec: mlpSpec([784, 150, 50, 100, 10], 'relu', 'cross-entropy'), batch: 10, images: 50000, optimizer: { type: 'sgd', momentum: 0 }, lr: 0.1 },
];

await initKernels();
const variant = prefer === 'reference' ? 'reference' : `wasm-simd${compiledWasmModules()?.fma ? ' (fma)' : ' (mul+add)'}`;

/** Kernels whose every call adds its duration to `times` (GEMMs keyed by shape). */
function timed(heap: Heap, times: Map<string, number>): Kernels {
  const inner = createKernelsSync(heap, prefer);
  const wrapped: Record<string, unknown> = { name: inner.name };
  for (const [key, fn] of Object.entries(inner)) {
    if (typeof fn !== 'function') continue;
    wrapped[key] = (...args: unknown[]): void => {
      const start = performance.now();
      (fn as (...a: unknown[]) => void)(...args);
      const tag = key === 'gemm' ? `gemm ${args[0] ? 'T' : 'N'}${args[1] ? 'T' : 'N'} ${args[2]}×${args[3]}×${args[4]}` : key;
      times.set(tag, (times.get(tag) ?? 0) + performance.now() - start);
    };
  }
  return wrapped as unknown as Kernels;
}

function run(c: Case, times?: Map<string, number>): number {
  const net = new Network(c.spec, { kernels: (h) => (times ? timed(h, times) : createKernelsSync(h, prefer)), maxBatch: c.batch, trainable: true, seed: 1, init: 'he' });
  const opt = createOptimizer(c.optimizer, net);
  const rng = new Rng(2);
  // A pool of distinct batches so caches see fresh inputs, as in training.
  const poolImages = Math.min(c.images, 2560);
  const images = new Float32Array(poolImages * net.inSize).map(() => rng.next());
  const labels = new Uint8Array(poolImages).map(() => rng.int(net.outSize));
  const steps = Math.ceil(c.images / c.batch);
  const start = performance.now();
  for (let s = 0; s < steps; s++) {
    const at = (s * c.batch) % (poolImages - c.batch + 1);
    net.loadInput(images, at, c.batch);
    net.forwardBackward(c.batch, labels, at);
    opt.step(c.lr / c.batch, 0);
  }
  return (performance.now() - start) / 1000;
}

for (const c of cases) {
  if (only && c.name !== only) continue;
  const times: number[] = [];
  for (let r = 0; r < repeat; r++) times.push(run(c));
  const unit = c.name === 'cnn' ? '6,400' : '50,000';
  console.log(`${c.name.padEnd(7)} ${variant}: best ${Math.min(...times).toFixed(3)} s per ${unit} images  (runs: ${times.map((t) => t.toFixed(3)).join(', ')})`);
  if (profile) {
    const spent = new Map<string, number>();
    const total = run(c, spent);
    const top = [...spent].sort((a, b) => b[1] - a[1]);
    for (const [what, ms] of top) console.log(`    ${what.padEnd(28)} ${(ms / 1000).toFixed(3)} s`);
    const inKernels = top.reduce((sum, [, ms]) => sum + ms, 0) / 1000;
    console.log(`    kernels ${inKernels.toFixed(3)} s of ${total.toFixed(3)} s (profiled run)`);
  }
}
