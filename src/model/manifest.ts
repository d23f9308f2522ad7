import type { InitScheme, LayerSpec } from '../nn/layers/layer.ts';
import type { NetworkSpec } from '../nn/spec.ts';

export const MODEL_FORMAT = 'digit-bot-model';
export const MODEL_VERSION = 1;

/** model.json: everything about a model except the weights, which sit beside it in weights.bin. */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string;
  description: string;
  createdAt: string;
  /** the model this one was fine-tuned from, if any */
  parent: string | null;
  network: NetworkSpec;
  init: InitScheme;
  weights: {
    file: string;
    dtype: 'float32';
    count: number;
    sha256: string;
    /** one entry per parameter tensor, for readers other than ours */
    tensors: { name: string; shape: number[]; offset: number }[];
  };
  /** how it was trained: the settings and the command line, so it can be reproduced */
  training: Record<string, unknown>;
  /** measured figures: testAccuracy (0..1), validationAccuracy, … */
  metrics: Record<string, number | null>;
}

export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

const LAYER_TYPES = new Set<LayerSpec['type']>(['dense', 'conv2d', 'maxpool', 'flatten', 'dropout', 'relu', 'sigmoid', 'tanh']);

/** Checks a parsed model.json strictly; every problem is one clear sentence naming the file. */
export function validateManifest(raw: unknown, where: string): ModelManifest {
  const fail = (why: string): never => {
    throw new ModelFormatError(`${where}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('not a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) fail(`not a digit-bot model (format is ${JSON.stringify(m.format)}, expected "${MODEL_FORMAT}")`);
  if (typeof m.version !== 'number' || !Number.isInteger(m.version) || m.version < 1) fail(`invalid version ${JSON.stringify(m.version)}`);
  if ((m.version as number) > MODEL_VERSION) {
    fail(`written by a newer digit-bot (model format version ${String(m.version)}); this build reads up to version ${MODEL_VERSION}`);
  }
  if (typeof m.name !== 'string' || !m.name) fail('missing "name"');
  const net = m.network as Record<string, unknown> | undefined;
  if (!net || !Array.isArray(net.input) || !Array.isArray(net.layers)) fail('missing or malformed "network"');
  for (const l of net!.layers as { type?: unknown }[]) {
    if (!l || !LAYER_TYPES.has(l.type as LayerSpec['type'])) fail(`unknown layer type ${JSON.stringify(l?.type)}`);
  }
  if (net!.loss !== 'cross-entropy' && net!.loss !== 'quadratic') fail(`unknown loss ${JSON.stringify(net!.loss)}`);
  const w = m.weights as Record<string, unknown> | undefined;
  if (!w || typeof w.file !== 'string' || w.dtype !== 'float32' || typeof w.count !== 'number' || typeof w.sha256 !== 'string') {
    fail('missing or malformed "weights" (needs file, dtype float32, count, sha256)');
  }
  if ((w!.file as string).includes('/') || (w!.file as string).includes('\\')) fail('weights file must sit beside model.json');
  return {
    description: '',
    createdAt: '',
    parent: null,
    init: 'he',
    training: {},
    metrics: {},
    ...(m as object),
  } as ModelManifest;
}
