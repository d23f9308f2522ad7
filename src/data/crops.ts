/**
 * Labelled 28x28 crops beside MNIST: what the vision pipeline cut out of pictures, with the
 * class each one is (0-9, or 10 = "not a digit"). Stored as an IDX pair like MNIST's own files,
 * `PREFIX-images-idx3-ubyte` and `PREFIX-labels-idx1-ubyte`, so any MNIST reader opens them.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Dataset } from './dataset.ts';
import { encodeIdx, IdxError, readIdxFile } from './idx.ts';
import { IMAGE_SIDE, IMAGE_SIZE } from './mnist.ts';

/** The label of a crop that is not a digit (the eleventh class). */
export const NONE_LABEL = 10;

export const cropFiles = (prefix: string) => ({ images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` });

/**
 * Crops that travel with an 11-class model (in its folder, gzipped): `replay`, some of what it
 * was trained on, mixed into every retrain so it keeps knowing "not a digit"; `gate`, dev-split
 * crops it was never trained on, which a retrained candidate must read as well as its parent.
 */
export const MODEL_CROPS = { replay: 'crops-replay', gate: 'crops-gate' } as const;

/** A model folder's crops of one kind, or null when it has none (a 10-class model). */
export async function loadModelCrops(modelDir: string, kind: keyof typeof MODEL_CROPS): Promise<Dataset | null> {
  const prefix = join(modelDir, MODEL_CROPS[kind]);
  return existsSync(filesOnDisk(prefix).images) ? loadCrops(prefix) : null;
}

/** The plain IDX pair, or the gzipped one (as shipped beside a model) when the plain one is absent. */
function filesOnDisk(prefix: string): { images: string; labels: string } {
  const plain = cropFiles(prefix);
  return existsSync(plain.images) ? plain : { images: `${plain.images}.gz`, labels: `${plain.labels}.gz` };
}

export async function saveCrops(prefix: string, ds: Dataset, options: { gzip?: boolean } = {}): Promise<void> {
  const pixels = new Uint8Array(ds.n * IMAGE_SIZE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, ds.images[i])) * 255);
  const files = cropFiles(prefix);
  await mkdir(dirname(files.images), { recursive: true });
  const pack = (b: Buffer) => (options.gzip ? gzipSync(b, { level: 9 }) : b);
  const ext = options.gzip ? '.gz' : '';
  await writeFile(files.images + ext, pack(encodeIdx('images', [ds.n, IMAGE_SIDE, IMAGE_SIDE], pixels)));
  await writeFile(files.labels + ext, pack(encodeIdx('labels', [ds.n], ds.labels.slice(0, ds.n))));
}

export async function loadCrops(prefix: string): Promise<Dataset> {
  const files = filesOnDisk(prefix);
  const [img, lab] = await Promise.all([readIdxFile(files.images, 'images'), readIdxFile(files.labels, 'labels')]);
  const [n, rows, cols] = img.dims;
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) throw new IdxError(`${files.images}: crops are ${rows}×${cols}, expected 28×28`);
  if (lab.dims[0] !== n) throw new IdxError(`${files.labels}: ${lab.dims[0]} labels for ${n} crops`);
  const labels = lab.data.slice();
  const bad = labels.findIndex((l) => l > NONE_LABEL);
  if (bad >= 0) throw new IdxError(`${files.labels}: label ${bad} is ${labels[bad]}, expected 0-10`);
  const images = new Float32Array(n * IMAGE_SIZE);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  return { images, labels, n };
}
