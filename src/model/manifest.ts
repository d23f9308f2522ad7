import type { InitScheme, LayerSpec } from '../nn/layers/layer.ts';
import type { NetworkSpec } from '../nn/spec.ts';

export const MODEL_FORMAT = 'digit-bot-model';
/** 2 added `classes` (an 11th class, "not a digit"); a version-1 file is a 10-digit model. */
export const MODEL_VERSION = 2;

/** What each output of a model means, in order: the ten digits, then optionally "not a digit". */
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export const NONE_CLASS = 'none';
export type ClassName = (typeof DIGIT_CLASSES)[number] | typeof NONE_CLASS;

/** The class list of a network with `outputs` outputs: 10 digits, or 10 digits + "none". */
export function classesFor(outputs: number): ClassName[] {
  if (outputs === 10) return [...DIGIT_CLASSES];
  if (outputs === 11) return [...DIGIT_CLASSES, NONE_CLASS];
  throw new ModelFormatError(`a digit model has 10 or 11 outputs (the digits, then "not a digit"), not ${outputs}`);
}

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
  /** the meaning of each output (version 2; a version-1 file reads as the ten digits) */
  classes: ClassName[];
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
  const classes = m.classes ?? [...DIGIT_CLASSES];
  const known = [...DIGIT_CLASSES, NONE_CLASS].join(',');
  if (!Array.isArray(classes) || !known.startsWith(classes.join(',')) || (classes.length !== 10 && classes.length !== 11)) {
    fail(`"classes" must be the ten digits, optionally followed by "${NONE_CLASS}" (got ${JSON.stringify(classes)})`);
  }
  return {
    description: '',
    createdAt: '',
    parent: null,
    init: 'he',
    training: {},
    metrics: {},
    ...(m as object),
    classes,
  } as ModelManifest;
}
