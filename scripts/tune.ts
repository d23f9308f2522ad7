/**
 * Random search over learning rate, L2 and batch size (the seed trainers' method): each trial
 * trains a small network on a subset of the training images for a few epochs and is scored by
 * its best validation accuracy; the table is ranked best first. The test set is never touched.
 */
import { num, parseCli, runMain, fail } from '../src/cli/args.ts';
import { loadMnist, subset } from '../src/data/mnist.ts';
import { createKernelsSync, initKernels } from '../src/nn/kernels/index.ts';
import type { Activation } from '../src/nn/layers/layer.ts';
import type { LossName } from '../src/nn/losses.ts';
import { Network } from '../src/nn/network.ts';
import { Rng } from '../src/nn/rng.ts';
import { describeSpec, resolveArch } from '../src/nn/spec.ts';
import { DEFAULT_PLATEAU } from '../src/training/schedule.ts';
import { train } from '../src/training/train.ts';

const USAGE = `
npm run tune -- [options]

  --arch A          network to tune (default 784-30-10; any --arch of npm run train)
  --activation F    hidden activation for MLP sizes (default sigmoid)
  --loss L          cross-entropy | quadratic (default cross-entropy)
  --trials N        random trials (default 20)
  --epochs N        epochs per trial (default 5)
  --train-size N    training images per trial (default 10,000)
  --validation N    validation images scoring each trial (default 2,000)
  --lr A:B          learning-rate range, sampled log-uniformly (default 0.01:10)
  --l2 A:B          L2 λ range, log-uniform, 0 allowed as the low end (default 0:10)
  --batch LIST      batch sizes to pick from (default 10,20,50,100)
  --momentum X      SGD momentum (default 0)
  --seed N          seeds the search (default 1)
  --json            print the ranked trials as one JSON array on the last line
`;

interface Trial {
  lr: number;
  l2: number;
  batch: number;
  accuracy: number;
  bestEpoch: number;
  seconds: number;
}

function range(text: string, name: string): [number, number] {
  const [a, b] = text.split(':').map(Number);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a < 0 || b <= a) fail(`--${name} must look like LOW:HIGH with 0 <= LOW < HIGH, got "${text}"`, 2);
  return [a, b];
}

/** Log-uniform in [lo, hi]; with lo = 0, a quarter of draws are exactly 0 and the rest log-uniform in [hi/1000, hi]. */
function logUniform(rng: Rng, lo: number, hi: number): number {
  if (lo === 0) {
    if (rng.next() < 0.25) return 0;
    lo = hi / 1000;
  }
  return Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
}

async function main(): Promise<void> {
  const { values: v } = parseCli(USAGE, {
    arch: { type: 'string' },
    activation: { type: 'string' },
    loss: { type: 'string' },
    trials: { type: 'string' },
    epochs: { type: 'string' },
    'train-size': { type: 'string' },
    validation: { type: 'string' },
    lr: { type: 'string' },
    l2: { type: 'string' },
    batch: { type: 'string' },
    momentum: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  });
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  const trials = num(v.trials, 'trials', 20, positiveInt);
  const epochs = num(v.epochs, 'epochs', 5, positiveInt);
  const trainSize = num(v['train-size'], 'train-size', 10_000, (n) => positiveInt(n) && n <= 50_000);
  const validationSize = num(v.validation, 'validation', 2_000, (n) => positiveInt(n) && n <= 10_000);
  const [lrLo, lrHi] = range(v.lr ?? '0.01:10', 'lr');
  const [l2Lo, l2Hi] = range(v.l2 ?? '0:10', 'l2');
  const batches = (v.batch ?? '10,20,50,100').split(',').map(Number);
  if (!batches.every(positiveInt)) fail(`--batch must be a comma-separated list of positive integers`, 2);
  const momentum = num(v.momentum, 'momentum', 0, (n) => n >= 0 && n < 1);
  const seed = num(v.seed, 'seed', 1, Number.isInteger);
  const archName = v.arch ?? '784-30-10';
  const arch = (() => {
    try {
      return resolveArch(archName, (v.activation ?? 'sigmoid') as Activation, (v.loss ?? 'cross-entropy') as LossName);
    } catch (err) {
      return fail((err as Error).message, 2);
    }
  })();

  await initKernels();
  const data = await loadMnist();
  const trainSet = subset(data.train, 0, trainSize);
  const validation = subset(data.validation, 0, validationSize);
  console.log(`Tuning ${archName} [${describeSpec(arch.spec)}]: ${trials} trials × ${epochs} epochs on ${trainSize} images, scored on ${validationSize} validation images`);

  const rng = new Rng(seed);
  const results: Trial[] = [];
  for (let t = 0; t < trials; t++) {
    const lr = logUniform(rng, lrLo, lrHi);
    const l2 = logUniform(rng, l2Lo, l2Hi);
    const batch = batches[rng.int(batches.length)];
    const net = new Network(arch.spec, { kernels: (h) => createKernelsSync(h), maxBatch: batch, trainable: true, seed: seed + t, init: arch.init });
    const r = await train(net, trainSet, validation, {
      epochs,
      batchSize: batch,
      learningRate: lr,
      l2,
      optimizer: { type: 'sgd', momentum },
      plateau: DEFAULT_PLATEAU,
      seed: seed + t,
      augment: null,
      threads: 1,
    });
    const trial: Trial = { lr, l2, batch, accuracy: r.bestValidationAccuracy, bestEpoch: r.bestEpoch, seconds: r.seconds };
    results.push(trial);
    console.log(`  trial ${String(t + 1).padStart(2)}: lr ${lr.toPrecision(3).padStart(8)}  l2 ${l2.toPrecision(3).padStart(8)}  batch ${String(batch).padStart(3)}  → ${(100 * trial.accuracy).toFixed(2)}%`);
  }

  results.sort((a, b) => b.accuracy - a.accuracy || a.seconds - b.seconds);
  console.log('\nrank  validation  lr          l2          batch  best epoch  seconds');
  results.forEach((r, i) => {
    console.log(
      `${String(i + 1).padStart(4)}  ${(100 * r.accuracy).toFixed(2).padStart(9)}%  ${r.lr.toPrecision(3).padEnd(10)}  ${r.l2.toPrecision(3).padEnd(10)}  ${String(r.batch).padStart(5)}  ${String(r.bestEpoch).padStart(10)}  ${r.seconds.toFixed(1).padStart(7)}`,
    );
  });
  const best = results[0];
  console.log(`\nBest: npm run train -- --arch ${archName} --activation ${v.activation ?? 'sigmoid'} --loss ${v.loss ?? 'cross-entropy'} --lr ${best.lr.toPrecision(3)} --l2 ${best.l2.toPrecision(3)} --batch ${best.batch}`);
  if (v.json) console.log(JSON.stringify(results));
}

runMain(main);
