import type { Activation, InitScheme, LayerSpec, Shape } from './layers/layer.ts';
import type { LossName } from './losses.ts';

/** Everything needed to rebuild a network's shape (weights travel separately). */
export interface NetworkSpec {
  input: Shape;
  layers: LayerSpec[];
  loss: LossName;
}

/** Builds an MLP from "784-150-50-100-10": a hidden activation after every layer but the last. */
export function mlpSpec(sizes: number[], activation: Activation, loss: LossName): NetworkSpec {
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`an MLP needs at least two positive layer sizes, got ${sizes.join('-')}`);
  }
  const layers: LayerSpec[] = [];
  for (let i = 1; i < sizes.length; i++) {
    layers.push({ type: 'dense', units: sizes[i] });
    if (i < sizes.length - 1) layers.push({ type: activation });
  }
  // The quadratic cost compares activated outputs with one-hot targets (network2); cross-entropy takes logits.
  if (loss === 'quadratic') layers.push({ type: 'sigmoid' });
  return { input: [sizes[0]], layers, loss };
}

/**
 * Two conv(5x5) + ReLU + maxpool(2) stages, a ReLU dense layer with dropout 0.5, ten (or 11) logits:
 * the shape of every CNN here, which differ in widths and padding.
 */
function twoStageCnn(filters1: number, filters2: number, dense: number, padding: 'valid' | 'same' = 'valid', classes = 10): NetworkSpec {
  return {
    input: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: filters1, kernel: 5, padding },
      { type: 'relu' },
      { type: 'maxpool', size: 2 },
      { type: 'conv2d', filters: filters2, kernel: 5, padding },
      { type: 'relu' },
      { type: 'maxpool', size: 2 },
      { type: 'flatten' },
      { type: 'dense', units: dense },
      { type: 'relu' },
      { type: 'dropout', rate: 0.5 },
      { type: 'dense', units: classes },
    ],
    loss: 'cross-entropy',
  };
}

/** The reference CNN of the speed benchmark (issue 3): conv 32, conv 64 (valid), dense 1024→128→`classes`. */
export function cnnRefSpec(classes = 10): NetworkSpec {
  return twoStageCnn(32, 64, 128, 'valid', classes);
}

/** Nielsen's network3 CNN (conv 20@5x5, pool, conv 40@5x5, pool, dense 100, softmax), ReLU version. */
export function network3Spec(): NetworkSpec {
  return twoStageCnn(20, 40, 100);
}

/** The reference CNN with 'same' padding (14x14 maps into the second stage) and dense 3136→256: ~3x the work. */
export function cnnWideSpec(): NetworkSpec {
  return twoStageCnn(32, 64, 256, 'same');
}

/**
 * Four 3x3 convolutions in two VGG-style stages (32, 32, pool, 64, 64, pool), dense 256 with
 * dropout 0.5, `classes` logits: ~10 M multiply-adds per image, 2.6x the reference CNN.
 */
export function cnnDeepSpec(classes = 10): NetworkSpec {
  const conv = (filters: number): LayerSpec[] => [{ type: 'conv2d', filters, kernel: 3 }, { type: 'relu' }];
  return {
    input: [28, 28, 1],
    layers: [
      ...conv(32),
      ...conv(32),
      { type: 'maxpool', size: 2 },
      ...conv(64),
      ...conv(64),
      { type: 'maxpool', size: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 256 },
      { type: 'relu' },
      { type: 'dropout', rate: 0.5 },
      { type: 'dense', units: classes },
    ],
    loss: 'cross-entropy',
  };
}

export interface ArchDefaults {
  spec: NetworkSpec;
  init: InitScheme;
  description: string;
}

/** Named architectures accepted by `--arch`, besides "N-N-…-N" MLP strings. */
export const NAMED_ARCHS: Record<string, () => ArchDefaults> = {
  network2: () => ({
    spec: mlpSpec([784, 30, 10], 'sigmoid', 'quadratic'),
    init: 'nielsen',
    description: "Nielsen's network2 configuration: 784-30-10, sigmoid, quadratic cost",
  }),
  'mlp-seed': () => ({
    spec: mlpSpec([784, 150, 50, 100, 10], 'relu', 'cross-entropy'),
    init: 'he',
    description: 'the seed trainers\' best MLP 784-150-50-100-10 (ReLU, cross-entropy)',
  }),
  network3: () => ({ spec: network3Spec(), init: 'he', description: "Nielsen's network3 CNN (ReLU, dropout)" }),
  'cnn-ref': () => ({ spec: cnnRefSpec(), init: 'he', description: 'the benchmark reference CNN (conv32-conv64-dense128)' }),
  'cnn-ref11': () => ({ spec: cnnRefSpec(11), init: 'he', description: 'the reference CNN with an 11th class, "not a digit"' }),
  'cnn-wide': () => ({ spec: cnnWideSpec(), init: 'he', description: "the reference CNN with 'same' padding and dense 256" }),
  'cnn-deep': () => ({ spec: cnnDeepSpec(), init: 'he', description: 'four 3x3 convolutions (32-32-pool-64-64-pool), dense 256' }),
  'cnn-deep11': () => ({ spec: cnnDeepSpec(11), init: 'he', description: 'cnn-deep with an 11th class, "not a digit"' }),
};

/** Resolves `--arch`: a named architecture or an MLP size list like "784-150-50-100-10". */
export function resolveArch(arch: string, activation: Activation, loss: LossName): ArchDefaults {
  const named = NAMED_ARCHS[arch];
  if (named) return named();
  if (/^\d+(-\d+)+$/.test(arch)) {
    const sizes = arch.split('-').map(Number);
    return {
      spec: mlpSpec(sizes, activation, loss),
      init: activation === 'relu' ? 'he' : activation === 'tanh' ? 'xavier' : 'nielsen',
      description: `MLP ${arch} (${activation}, ${loss})`,
    };
  }
  throw new Error(`unknown architecture "${arch}": use one of ${Object.keys(NAMED_ARCHS).join(', ')} or sizes like 784-150-50-100-10`);
}

/** A short human label, e.g. "784-150-50-100-10" or "conv32k5-pool2-…". */
export function describeSpec(spec: NetworkSpec): string {
  const parts: string[] = [String(spec.input.join('x'))];
  for (const l of spec.layers) {
    if (l.type === 'dense') parts.push(String(l.units));
    else if (l.type === 'conv2d') parts.push(`conv${l.filters}k${l.kernel}`);
    else if (l.type === 'maxpool') parts.push(`pool${l.size}`);
    else if (l.type === 'dropout') parts.push(`drop${l.rate}`);
  }
  return parts.join('-');
}
