import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, subset } from '../../src/data/mnist.ts';
import { createKernelsSync, initKernels } from '../../src/nn/kernels/index.ts';
import { Network } from '../../src/nn/network.ts';
import { resolveArch } from '../../src/nn/spec.ts';
import { evaluate } from '../../src/training/evaluate.ts';
import { train, DEFAULT_TRAIN } from '../../src/training/train.ts';

beforeAll(async () => {
  await initKernels();
});

function mlp(seed: number): Network {
  const a = resolveArch('784-64-10', 'relu', 'cross-entropy');
  return new Network(a.spec, { kernels: (h) => createKernelsSync(h), maxBatch: 20, trainable: true, seed, init: 'he' });
}

describe('training on a small MNIST subset', () => {
  it('an MLP reaches 90% on 1,000 validation images after training on 5,000 images', async () => {
    const data = await loadMnist();
    const net = mlp(1);
    const before = evaluate(net, subset(data.validation, 0, 1000)).accuracy;
    const result = await train(net, subset(data.train, 0, 5000), subset(data.validation, 0, 1000), {
      ...DEFAULT_TRAIN,
      epochs: 4,
      batchSize: 20,
      learningRate: 0.05,
      optimizer: { type: 'sgd', momentum: 0.9 },
      seed: 3,
    });
    expect(before).toBeLessThan(0.3);
    expect(result.bestValidationAccuracy).toBeGreaterThan(0.9);
    // the best epoch's weights are the ones left in the network
    expect(evaluate(net, subset(data.validation, 0, 1000)).accuracy).toBeCloseTo(result.bestValidationAccuracy, 6);
  });

  it('the reference CNN reaches 90% on 1,000 validation images after 2 epochs on 3,000 images (2 threads, Adam)', async () => {
    const data = await loadMnist();
    const a = resolveArch('cnn-ref', 'relu', 'cross-entropy');
    const net = new Network(a.spec, { kernels: (h) => createKernelsSync(h), maxBatch: 32, trainable: true, seed: 1, init: 'he' });
    const validation = subset(data.validation, 0, 1000);
    expect(evaluate(net, validation).accuracy).toBeLessThan(0.3);
    const result = await train(net, subset(data.train, 0, 3000), validation, {
      ...DEFAULT_TRAIN,
      epochs: 2,
      batchSize: 32,
      learningRate: 0.002,
      optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      threads: 2,
      seed: 2,
    });
    expect(result.bestValidationAccuracy).toBeGreaterThan(0.9);
  });

  it.each([1, 2])('the same seed reproduces the same model; another seed does not (%i threads, augmented)', async (threads) => {
    const data = await loadMnist();
    const run = async (seed: number) => {
      const net = mlp(seed);
      await train(net, subset(data.train, 0, 500), subset(data.validation, 0, 200), {
        ...DEFAULT_TRAIN,
        epochs: 1,
        batchSize: 20,
        learningRate: 0.05,
        augment: { affine: true, elastic: true },
        threads,
        seed,
      });
      return net.params().slice();
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('two threads compute the same gradients as one (data parallel)', async () => {
    const data = await loadMnist();
    const run = async (threads: number) => {
      const net = mlp(4);
      const r = await train(net, subset(data.train, 0, 400), subset(data.validation, 0, 100), { ...DEFAULT_TRAIN, epochs: 1, batchSize: 20, learningRate: 0.05, seed: 8, threads });
      return { params: net.params().slice(), threads: r.threads };
    };
    const one = await run(1);
    const two = await run(2);
    // the second run really split its batches over two threads (a `threads` setting ignored would pass the rest)
    expect([one.threads, two.threads]).toEqual([1, 2]);
    let maxDiff = 0;
    for (let i = 0; i < one.params.length; i++) maxDiff = Math.max(maxDiff, Math.abs(one.params[i]! - two.params[i]!));
    // Only the summation order differs; 20 SGD steps keep the rounding differences tiny.
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('early stopping ends a run whose validation accuracy cannot improve', async () => {
    const data = await loadMnist();
    const net = mlp(2);
    // A learning rate of ~0 leaves the network unchanged, so no epoch after the first improves.
    const result = await train(net, subset(data.train, 0, 200), subset(data.validation, 0, 100), {
      ...DEFAULT_TRAIN,
      epochs: 50,
      batchSize: 20,
      learningRate: 1e-12,
      plateau: { halveAfter: 2, stopAfter: 4, minLr: 1e-20 },
    });
    expect(result.history.length).toBe(5);
    expect(result.stoppedEarly).toBe(true);
    expect(result.history[2].halved).toBe(true);
  });
});
