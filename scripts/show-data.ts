/**
 * Writes a PNG grid of random MNIST images with their labels, to eyeball the data and (with
 * --augment) what the augmentation does to it.
 *
 *   npm run show-data -- [--split train|validation|test|train-full] [--count 64] [--seed 1]
 *                        [--augment] [--out out/show-data.png]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Augmenter } from '../src/data/augment.ts';
import { IMAGE_SIZE, loadMnistSplit, type MnistSplit } from '../src/data/mnist.ts';
import { Rng } from '../src/nn/rng.ts';
import { renderImageGrid } from '../src/vision/render.ts';

const USAGE = `Usage: npm run show-data -- [options]

Writes a PNG grid of random MNIST images with their labels.

Options:
  --split <name>   train | validation | test | train-full   (default train)
  --count <n>      number of images, 1-400                  (default 64)
  --seed <n>       random seed for the choice and the augmentation (default 1)
  --augment        show each image next to an augmented version
  --out <path>     output PNG                               (default out/show-data.png)
  --help           show this help
`;

const SPLITS: readonly MnistSplit[] = ['train', 'validation', 'test', 'train-full'];

function fail(message: string): never {
  process.stderr.write(`show-data: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseIntArg(name: string, value: string, lo: number, hi: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < lo || n > hi) fail(`--${name} must be a whole number from ${lo} to ${hi}, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        split: { type: 'string', default: 'train' },
        count: { type: 'string', default: '64' },
        seed: { type: 'string', default: '1' },
        augment: { type: 'boolean', default: false },
        out: { type: 'string', default: 'out/show-data.png' },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: false,
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const args = parsed.values;
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const split = args.split as MnistSplit;
  if (!SPLITS.includes(split)) fail(`--split must be one of ${SPLITS.join(', ')}, got "${args.split}"`);
  const count = parseIntArg('count', args.count, 1, 400);
  const seed = parseIntArg('seed', args.seed, 0, 2 ** 32 - 1);

  const ds = await loadMnistSplit(split);
  const rng = new Rng(seed);
  // Distinct random indices: a partial Fisher-Yates over 0..n-1.
  const order = Uint32Array.from({ length: ds.n }, (_, i) => i);
  const picked: number[] = [];
  for (let i = 0; i < Math.min(count, ds.n); i++) {
    const j = i + rng.int(ds.n - i);
    [order[i], order[j]] = [order[j], order[i]];
    picked.push(order[i]);
  }

  const perImage = args.augment ? 2 : 1;
  const images = new Float32Array(picked.length * perImage * IMAGE_SIZE);
  const captions: string[] = [];
  const colors: (string | undefined)[] = [];
  const augmenter = args.augment ? new Augmenter() : null;
  picked.forEach((idx, k) => {
    const at = k * perImage * IMAGE_SIZE;
    images.set(ds.images.subarray(idx * IMAGE_SIZE, (idx + 1) * IMAGE_SIZE), at);
    const label = String(ds.labels[idx]);
    captions.push(augmenter ? `${label} #${idx}` : label);
    colors.push(undefined);
    if (augmenter) {
      augmenter.apply(ds.images, idx * IMAGE_SIZE, images, at + IMAGE_SIZE, rng);
      captions.push(`${label} aug`);
      colors.push('#1f77b4');
    }
  });

  // With --augment an even column count keeps each original beside its augmented copy.
  const columns = args.augment ? 2 * Math.min(6, Math.ceil(Math.sqrt(picked.length / 2))) : Math.min(16, Math.ceil(Math.sqrt(picked.length)));
  const title = `MNIST ${split}: ${picked.length} random images (seed ${seed})${args.augment ? ', original | augmented' : ''}`;
  const png = await renderImageGrid(images, captions, { columns, scale: 3, captionColors: colors, title });
  const out = resolve(args.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, png);
  console.log(out);
}

main().catch((err: unknown) => {
  process.stderr.write(`show-data: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
