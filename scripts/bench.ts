/**
 * The issue's speed figures, measured through the same code path as `npm run train`
 * (shuffle, data-parallel gradients over threads, optimizer step) on real MNIST images:
 *
 *   mlp30_epoch_s             [784,30,10] sigmoid / quadratic / SGD / batch 10, one 60k epoch
 *   mlp150_epoch_s            [784,150,50,100,10] ReLU / cross-entropy / SGD / batch 10, one 60k epoch
 *   cnn_ref_epoch_s           the reference CNN, Adam, batch 64: a subset, extrapolated to 60k
 *   cnn_ref_infer_b1_per_s    reference CNN inference, one image per call (as the bot reads)
 *   cnn_ref_infer_b256_per_s  reference CNN inference, 256 images per call
 *
 * Training epochs exclude the per-epoch validation pass (the peers' figures time training only)
 * and use no augmentation. Inference runs on one thread.
 */
import { availableParallelism } from 'node:os';
import { num, parseCli, runMain } from '../src/cli/args.ts';
import { loadMnistSplit, subset, type Dataset } from '../src/data/mnist.ts';
import { createKernelsSync, initKernels } from '../src/nn/kernels/index.ts';
import { compiledWasmModules } from '../src/nn/kernels/wasm.ts';
import { Network } from '../src/nn/network.ts';
import { cnnRefSpec, mlpSpec, type NetworkSpec } from '../src/nn/spec.ts';
import type { InitScheme } from '../src/nn/layers/layer.ts';
import { DEFAULT_TRAIN, train, type TrainSettings } from '../src/training/train.ts';

const USAGE = `
npm run bench -- [--json] [--threads N] [--cnn-images N] [--only mlp30,mlp150,cnn,infer]

  --json            print the figures as one JSON object on the last line
  --threads N       training threads (default: 2 or the cores available)
  --cnn-images N    CNN training images timed, extrapolated to 60,000 (default 12,800)
  --only LIST       run only some of the measurements
`;

const EPOCH = 60_000;

interface TrainCase {
  spec: NetworkSpec;
  init: InitScheme;
  settings: Partial<TrainSettings>;
  images: number;
}

/** Seconds per 60,000-image epoch: times one pass over `images` training images, scaled. */
async function epochSeconds(c: TrainCase, data: Dataset, threads: number): Promise<number> {
  const n = Math.min(c.images, data.n);
  const batchSize = c.settings.batchSize ?? 10;
  const net = new Network(c.spec, { kernels: (h) => createKernelsSync(h), maxBatch: batchSize, trainable: true, seed: 1, init: c.init });
  const settings: TrainSettings = { ...DEFAULT_TRAIN, epochs: 1, threads, ...c.settings };
  // A one-image validation set: the epoch's time is then the training pass.
  const tiny = subset(data, 0, 1);
  const result = await train(net, subset(data, 0, n), tiny, settings);
  return (result.history[0].seconds * EPOCH) / n;
}

/** Images per second through predictProbs with `batch` images per call. */
function inferencePerSecond(net: Network, data: Dataset, batch: number, minSeconds: number): number {
  const images = data.images;
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    const at = (done % (data.n - batch)) * net.inSize;
    net.predictProbs(images.subarray(at, at + batch * net.inSize), batch);
    done += batch;
    elapsed = (performance.now() - start) / 1000;
  }
  return done / elapsed;
}

async function main(): Promise<void> {
  const { values: v } = parseCli(USAGE, {
    json: { type: 'boolean' },
    threads: { type: 'string' },
    'cnn-images': { type: 'string' },
    only: { type: 'string' },
  });
  const threads = num(v.threads, 'threads', Math.min(2, availableParallelism()), (n) => Number.isInteger(n) && n > 0);
  const cnnImages = num(v['cnn-images'], 'cnn-images', 12_800, (n) => Number.isInteger(n) && n >= 640);
  const only = v.only ? new Set(v.only.split(',')) : null;
  const wanted = (key: string) => !only || only.has(key);

  await initKernels();
  const data = await loadMnistSplit('train-full');
  const kernels = `wasm-simd${compiledWasmModules()?.fma ? ' (fma)' : ''}`;
  console.log(`digit-bot bench: kernels ${kernels}, ${threads} training thread(s), Node ${process.version}`);
  const figures: Record<string, number> = {};
  const report = (key: string, value: number, text: string) => {
    figures[key] = Number(value.toFixed(value >= 100 ? 0 : 3));
    console.log(`  ${key.padEnd(26)} ${text}`);
  };

  if (wanted('mlp30')) {
    const s = await epochSeconds(
      { spec: mlpSpec([784, 30, 10], 'sigmoid', 'quadratic'), init: 'nielsen', settings: { batchSize: 10, learningRate: 3.0 }, images: EPOCH },
      data,
      1,
    );
    report('mlp30_epoch_s', s, `${s.toFixed(2)} s per 60k epoch, [784,30,10] sigmoid/quadratic, batch 10, 1 thread`);
  }
  if (wanted('mlp150')) {
    const s = await epochSeconds(
      { spec: mlpSpec([784, 150, 50, 100, 10], 'relu', 'cross-entropy'), init: 'he', settings: { batchSize: 10, learningRate: 0.02 }, images: EPOCH },
      data,
      1,
    );
    report('mlp150_epoch_s', s, `${s.toFixed(2)} s per 60k epoch, [784,150,50,100,10] ReLU/CE, batch 10, 1 thread`);
  }
  if (wanted('cnn')) {
    const adam = { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;
    const s = await epochSeconds({ spec: cnnRefSpec(), init: 'he', settings: { batchSize: 64, learningRate: 0.001, optimizer: adam }, images: cnnImages }, data, threads);
    report('cnn_ref_epoch_s', s, `${s.toFixed(1)} s per 60k epoch (timed on ${cnnImages.toLocaleString('en')} images, extrapolated), reference CNN, Adam, batch 64, ${threads} thread(s)`);
  }
  if (wanted('infer')) {
    for (const batch of [1, 256]) {
      const net = new Network(cnnRefSpec(), { kernels: (h) => createKernelsSync(h), maxBatch: batch, trainable: false, seed: 1, init: 'he' });
      inferencePerSecond(net, data, batch, 0.5); // warm-up
      const perSecond = inferencePerSecond(net, data, batch, 3);
      report(`cnn_ref_infer_b${batch}_per_s`, perSecond, `${Math.round(perSecond).toLocaleString('en')} images/s, reference CNN, batch ${batch}, 1 thread`);
    }
  }
  if (v.json) console.log(JSON.stringify(figures));
}

runMain(main);
