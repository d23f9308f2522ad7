import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelsSync, initKernels, type KernelPreference } from '../../src/nn/kernels/index.ts';
import type { LayerSpec, Shape } from '../../src/nn/layers/layer.ts';
import type { LossName } from '../../src/nn/losses.ts';
import { Network } from '../../src/nn/network.ts';
import { Rng } from '../../src/nn/rng.ts';

/**
 * Every layer's backward pass against central finite differences of the loss, through whole
 * small networks so each layer's input gradient is exercised by the layer before it.
 */
let kernels: KernelPreference = 'reference';

function build(input: Shape, layers: LayerSpec[], loss: LossName, batch: number): Network {
  return new Network({ input, layers, loss }, { kernels: (h) => createKernelsSync(h, kernels), maxBatch: batch, trainable: true, seed: 7, init: 'xavier' });
}

beforeAll(async () => {
  await initKernels();
});

function gradCheck(net: Network, batch: number, seed = 3): { maxRel: number; checked: number } {
  const rng = new Rng(seed);
  const images = new Float32Array(batch * net.inSize).map(() => rng.uniform(-1, 1));
  const labels = new Uint8Array(batch).map(() => rng.int(net.outSize));
  const lossAt = (): number => {
    net.loadInput(images, 0, batch);
    // The mean loss, like the gradient: lossAndGrad returns the sum.
    return net.forwardBackward(batch, labels, 0) / batch;
  };
  lossAt();
  const analytic = net.grads().slice();
  const params = net.params();
  let maxRel = 0;
  let checked = 0;
  // Small enough that no max-pool window or ReLU changes its winner, large enough for float32.
  const eps = 1e-3;
  // Every parameter of small nets; a strided sample of larger ones.
  const stride = Math.max(1, Math.floor(net.paramCount / 300));
  for (let i = 0; i < net.paramCount; i += stride) {
    const saved = params[i];
    params[i] = saved + eps;
    const plus = lossAt();
    params[i] = saved - eps;
    const minus = lossAt();
    params[i] = saved;
    const numeric = (plus - minus) / (2 * eps);
    const rel = Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i]));
    maxRel = Math.max(maxRel, rel);
    checked++;
  }
  return { maxRel, checked };
}

describe.each(['reference', 'wasm-simd'] as const)('gradients match finite differences (%s kernels)', (which) => {
  beforeAll(() => {
    kernels = which;
  });

  it('dense + sigmoid/tanh + softmax cross-entropy', () => {
    const net = build([7], [{ type: 'dense', units: 5 }, { type: 'tanh' }, { type: 'dense', units: 4 }, { type: 'sigmoid' }, { type: 'dense', units: 3 }], 'cross-entropy', 4);
    const r = gradCheck(net, 4);
    expect(r.checked).toBe(net.paramCount);
    expect(r.maxRel).toBeLessThan(2e-2);
  });

  it('dense + sigmoid output + quadratic cost (network2)', () => {
    const net = build([6], [{ type: 'dense', units: 5 }, { type: 'sigmoid' }, { type: 'dense', units: 4 }, { type: 'sigmoid' }], 'quadratic', 3);
    expect(gradCheck(net, 3).maxRel).toBeLessThan(2e-2);
  });

  it('dense + relu', () => {
    const net = build([8], [{ type: 'dense', units: 6 }, { type: 'relu' }, { type: 'dense', units: 3 }], 'cross-entropy', 5);
    expect(gradCheck(net, 5).maxRel).toBeLessThan(2e-2);
  });

  it('conv2d (valid, stride 1) → tanh → maxpool → conv2d (same) → flatten → dense', () => {
    const net = build(
      [8, 8, 2],
      [
        { type: 'conv2d', filters: 3, kernel: 3 },
        { type: 'tanh' },
        { type: 'maxpool', size: 2 },
        { type: 'conv2d', filters: 4, kernel: 3, padding: 'same' },
        { type: 'tanh' },
        { type: 'flatten' },
        { type: 'dense', units: 3 },
      ],
      'cross-entropy',
      2,
    );
    const r = gradCheck(net, 2);
    expect(r.checked).toBeGreaterThan(200);
    expect(r.maxRel).toBeLessThan(2e-2);
  });

  it('strided conv2d with odd sizes', () => {
    const net = build([7, 9, 3], [{ type: 'conv2d', filters: 2, kernel: 3, stride: 2 }, { type: 'sigmoid' }, { type: 'conv2d', filters: 3, kernel: 2 }, { type: 'flatten' }, { type: 'dense', units: 4 }], 'cross-entropy', 3);
    expect(gradCheck(net, 3).maxRel).toBeLessThan(2e-2);
  });

  it('maxpool with relu before it', () => {
    const net = build([6, 6, 2], [{ type: 'conv2d', filters: 3, kernel: 3, padding: 'same' }, { type: 'relu' }, { type: 'maxpool', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 3 }], 'cross-entropy', 2);
    expect(gradCheck(net, 2).maxRel).toBeLessThan(3e-2);
  });
});

describe('a wrong backward pass is caught', () => {
  it('the check fails when a gradient is corrupted', () => {
    const net = build([5], [{ type: 'dense', units: 4 }, { type: 'tanh' }, { type: 'dense', units: 3 }], 'cross-entropy', 2);
    const original = net.forwardBackward.bind(net);
    net.forwardBackward = (batch, labels, off) => {
      const l = original(batch, labels, off);
      net.grads()[3] *= 1.5;
      return l;
    };
    expect(gradCheck(net, 2).maxRel).toBeGreaterThan(0.05);
  });
});

describe('dropout', () => {
  it('is the identity at inference and scales kept units by 1/(1-rate) in training', () => {
    const net = build([1000], [{ type: 'dropout', rate: 0.25 }], 'quadratic', 1);
    const x = new Float32Array(1000).fill(2);
    net.loadInput(x, 0, 1);
    const h0 = net.heap.f32;
    const inf = net.forward(1, false);
    expect(Array.from(h0.subarray(inf, inf + 1000)).every((v) => v === 2)).toBe(true);
    net.loadInput(x, 0, 1);
    const tr = net.forward(1, true);
    const out = Array.from(net.heap.f32.subarray(tr, tr + 1000));
    const kept = out.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 2 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length).toBeGreaterThan(700);
    expect(kept.length).toBeLessThan(800);
  });
});
