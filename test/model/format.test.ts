import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src/model/format.ts';
import { widenToNone } from '../../src/model/widen.ts';
import { createKernelsSync, initKernels } from '../../src/nn/kernels/index.ts';
import { Network } from '../../src/nn/network.ts';
import { cnnRefSpec } from '../../src/nn/spec.ts';
import { Rng } from '../../src/nn/rng.ts';

let dir: string;
let net: Network;
const info = { name: 'tiny', description: 'test', createdAt: '2026-01-01T00:00:00Z', parent: null, init: 'he' as const, training: { seed: 1 }, metrics: { testAccuracy: 0.5 } };

beforeAll(async () => {
  await initKernels();
  dir = await mkdtemp(join(tmpdir(), 'digit-model-'));
  const spec = cnnRefSpec();
  spec.layers[0] = { type: 'conv2d', filters: 4, kernel: 5 };
  spec.layers[3] = { type: 'conv2d', filters: 8, kernel: 5 };
  net = new Network(spec, { kernels: (h) => createKernelsSync(h), maxBatch: 8, trainable: false, seed: 9, init: 'he' });
  await saveModel(join(dir, 'tiny'), net, info);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const images = (() => {
  const rng = new Rng(1);
  return new Float32Array(5 * 784).map(() => rng.next());
})();

describe('model files', () => {
  it('save → load gives identical outputs and keeps the manifest', async () => {
    const loaded = await loadModel(join(dir, 'tiny'));
    expect(loaded.name).toBe('tiny');
    expect(loaded.manifest.metrics.testAccuracy).toBe(0.5);
    expect(Array.from(loaded.predictProbs(images, 5))).toEqual(Array.from(net.predictProbs(images, 5)));
    const tensors = loaded.manifest.weights.tensors;
    expect(tensors[0]).toEqual({ name: '0.conv2d.weight', shape: [5, 5, 1, 4], offset: 0 });
    expect(tensors.at(-1)!.shape).toEqual([10]);
  });

  const corrupt = async (name: string, change: (manifest: Record<string, unknown>, weights: Buffer) => { manifest?: string; weights?: Buffer }) => {
    const m = JSON.parse(await readFile(join(dir, 'tiny', 'model.json'), 'utf8'));
    const w = await readFile(join(dir, 'tiny', 'weights.bin'));
    const out = change(m, w);
    const target = join(dir, name);
    await saveModel(target, net, info);
    if (out.manifest !== undefined) await writeFile(join(target, 'model.json'), out.manifest);
    if (out.weights !== undefined) await writeFile(join(target, 'weights.bin'), out.weights);
    return target;
  };

  it('refuses a truncated weights file', async () => {
    const p = await corrupt('trunc', (_m, w) => ({ weights: w.subarray(0, w.length - 10) }));
    await expect(loadModel(p)).rejects.toThrow(/truncated/);
  });

  it('refuses altered weights', async () => {
    const p = await corrupt('altered', (_m, w) => {
      const c = Buffer.from(w);
      c[100] ^= 0xff;
      return { weights: c };
    });
    await expect(loadModel(p)).rejects.toThrow(/checksum/);
  });

  it('refuses a newer format version, another format, broken JSON and a missing folder', async () => {
    const newer = await corrupt('newer', (m) => ({ manifest: JSON.stringify({ ...m, version: 99 }) }));
    await expect(loadModel(newer)).rejects.toThrow(/newer digit-bot.*version 99/);
    const other = await corrupt('other', (m) => ({ manifest: JSON.stringify({ ...m, format: 'keras' }) }));
    await expect(loadModel(other)).rejects.toThrow(/not a digit-bot model/);
    const broken = await corrupt('broken', () => ({ manifest: '{"format": "digit-bot-mo' }));
    await expect(loadModel(broken)).rejects.toThrow(/not valid JSON/);
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(/no such model file/);
  });

  it('refuses an architecture that does not match the weights', async () => {
    const p = await corrupt('mismatch', (m) => {
      const network = m.network as { layers: { type: string; units?: number }[] };
      network.layers[network.layers.length - 1] = { type: 'dense', units: 11 };
      return { manifest: JSON.stringify(m) };
    });
    await expect(loadModel(p)).rejects.toThrow(/parameters/);
  });

  it('an 11-class model says so (format version 2); a version-1 file without "classes" loads as the ten digits', async () => {
    const spec = cnnRefSpec(); // small enough: the classes, not the convolutions, are under test
    spec.layers[0] = { type: 'conv2d', filters: 4, kernel: 5 };
    spec.layers[3] = { type: 'conv2d', filters: 8, kernel: 5 };
    spec.layers[spec.layers.length - 1] = { type: 'dense', units: 11 };
    const net11 = new Network(spec, { kernels: (h) => createKernelsSync(h), maxBatch: 8, trainable: false, seed: 3, init: 'he' });
    const saved = await saveModel(join(dir, 'eleven'), net11, { ...info, name: 'eleven' });
    expect(saved.version).toBe(2);
    const loaded = await loadModel(join(dir, 'eleven'));
    expect(loaded.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'none']);
    expect(loaded.predictProbs(images, 5)).toHaveLength(55);

    const old = await corrupt('v1', (m) => {
      const { classes: _dropped, ...rest } = m;
      return { manifest: JSON.stringify({ ...rest, version: 1 }) };
    });
    const v1 = await loadModel(old);
    expect(v1.manifest.version).toBe(1);
    expect(v1.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('refuses a class list that is not the digits (+ none) or does not match the outputs', async () => {
    const odd = await corrupt('odd-classes', (m) => ({ manifest: JSON.stringify({ ...m, classes: ['a', 'b'] }) }));
    await expect(loadModel(odd)).rejects.toThrow(/"classes" must be the ten digits/);
    const eleven = await corrupt('eleven-on-ten', (m) => ({ manifest: JSON.stringify({ ...m, classes: [...(m.classes as string[]), 'none'] }) }));
    await expect(loadModel(eleven)).rejects.toThrow(/10 outputs but "classes" names 11/);
  });
});

describe('widenToNone', () => {
  it('adds a "not a digit" output that starts at zero and leaves the digits as they were', async () => {
    const base = await loadModel(join(dir, 'tiny'));
    const wide = widenToNone(base.manifest, base.network.params());
    const net11 = new Network(wide.spec, { kernels: (h) => createKernelsSync(h), maxBatch: 8, trainable: false, seed: 1, init: 'he' });
    net11.setParams(wide.params);
    const p10 = base.predictProbs(images, 5);
    const p11 = net11.predictProbs(images, 5);
    for (let i = 0; i < 5; i++) {
      const none = p11[i * 11 + 10];
      for (let j = 0; j < 10; j++) expect(p11[i * 11 + j] / (1 - none)).toBeCloseTo(p10[i * 10 + j], 5);
    }
    expect(() => widenToNone(wide.spec === base.manifest.network ? base.manifest : { ...base.manifest, network: wide.spec }, wide.params)).toThrow(/10-unit dense layer/);
  });
});
