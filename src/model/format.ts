import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Heap } from '../nn/heap.ts';
import type { Kernels } from '../nn/kernels/types.ts';
import { size } from '../nn/layers/layer.ts';
import { Network, PREDICT_CHUNK } from '../nn/network.ts';
import { classesFor, MODEL_FORMAT, MODEL_VERSION, ModelFormatError, validateManifest, type ModelManifest } from './manifest.ts';
import { Model } from './model.ts';
import { createKernelsSync, initKernels } from '../nn/kernels/index.ts';

export const MANIFEST_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Names and shapes of the parameter tensors, in buffer order (weights then bias per layer). */
export function tensorTable(net: Network): ModelManifest['weights']['tensors'] {
  const out: ModelManifest['weights']['tensors'] = [];
  let offset = 0;
  net.layers.forEach((layer, i) => {
    if (layer.paramCount === 0) return;
    const spec = layer.spec();
    const outC = layer.outShape[layer.outShape.length - 1];
    const weightShape = spec.type === 'conv2d' ? [spec.kernel, spec.kernel, layer.inShape[2], outC] : [size(layer.inShape), outC];
    const weightCount = layer.paramCount - outC;
    out.push({ name: `${i}.${layer.type}.weight`, shape: weightShape, offset });
    out.push({ name: `${i}.${layer.type}.bias`, shape: [outC], offset: offset + weightCount });
    offset += layer.paramCount;
  });
  return out;
}

export type ManifestInput = Omit<ModelManifest, 'format' | 'version' | 'network' | 'weights' | 'classes'>;

/**
 * Writes model.json + weights.bin into `dir` atomically: both go to a sibling temporary
 * folder that is renamed into place, so a crash never leaves a half-written model.
 */
export async function saveModel(dir: string, net: Network, info: ManifestInput): Promise<ModelManifest> {
  const params = net.params().slice();
  const bytes = Buffer.from(params.buffer, params.byteOffset, params.byteLength);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    ...info,
    network: net.spec,
    classes: classesFor(net.outSize),
    weights: {
      file: WEIGHTS_FILE,
      dtype: 'float32',
      count: net.paramCount,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      tensors: tensorTable(net),
    },
  };
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, WEIGHTS_FILE), bytes);
  await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return manifest;
}

export interface LoadOptions {
  /** allocate gradients so the model can be trained further (fine-tuning) */
  trainable?: boolean;
  maxBatch?: number;
  kernels?: (heap: Heap) => Kernels;
  seed?: number;
}

/** Reads and validates model.json, only the manifest (cheap: for listings and /stats). */
export async function readManifest(dir: string): Promise<ModelManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFormatError(code === 'ENOENT' ? `${path}: no such model file` : `${path}: cannot read (${code ?? String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ModelFormatError(`${path}: not valid JSON (truncated or corrupt)`);
  }
  return validateManifest(raw, path);
}

/** Loads a model strictly: wrong format, newer version, truncated or altered weights all fail clearly. */
export async function loadModel(dir: string, options: LoadOptions = {}): Promise<Model> {
  const manifest = await readManifest(dir);
  const weightsPath = join(dir, manifest.weights.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(weightsPath);
  } catch {
    throw new ModelFormatError(`${weightsPath}: weights file missing or unreadable`);
  }
  if (bytes.length !== manifest.weights.count * 4) {
    throw new ModelFormatError(`${weightsPath}: expected ${manifest.weights.count * 4} bytes of float32 weights, found ${bytes.length} (truncated or wrong file)`);
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== manifest.weights.sha256) throw new ModelFormatError(`${weightsPath}: checksum mismatch (the weights were altered or corrupted)`);
  await initKernels();
  let net: Network;
  try {
    net = new Network(manifest.network, {
      kernels: options.kernels ?? ((heap) => createKernelsSync(heap)),
      // prediction runs in chunks of PREDICT_CHUNK anyway; training callers pass their batch size
      maxBatch: options.maxBatch ?? (options.trainable ? 64 : PREDICT_CHUNK),
      trainable: options.trainable ?? false,
      seed: options.seed ?? 1,
      init: manifest.init,
    });
  } catch (err) {
    throw new ModelFormatError(`${join(dir, MANIFEST_FILE)}: the network cannot be built (${(err as Error).message})`);
  }
  if (net.paramCount !== manifest.weights.count) {
    throw new ModelFormatError(`${weightsPath}: the architecture needs ${net.paramCount} parameters but the file has ${manifest.weights.count}`);
  }
  if (net.outSize !== manifest.classes.length) {
    throw new ModelFormatError(`${join(dir, MANIFEST_FILE)}: the network has ${net.outSize} outputs but "classes" names ${manifest.classes.length}`);
  }
  // Copy into an aligned array: a Buffer's byteOffset need not be a multiple of 4.
  const floats = new Float32Array(manifest.weights.count);
  new Uint8Array(floats.buffer).set(bytes);
  net.setParams(floats);
  return new Model(manifest, net);
}
