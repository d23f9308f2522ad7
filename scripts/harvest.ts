/**
 * Cuts synthetic chat pictures into labelled 28x28 training crops with the serving pipeline
 * (src/training/harvest.ts): digits and the marks that are not digits (desk and paper edges,
 * shadows, ruled lines, letters, doodles, pieces). Training seeds for --crops, the dev split for
 * --val-crops; never the test split.
 */
import { writeFile } from 'node:fs/promises';
import { fail, num, parseCli, runMain } from '../src/cli/args.ts';
import { ProgressBar } from '../src/cli/progress.ts';
import { NONE_LABEL, saveCrops } from '../src/data/crops.ts';
import { IMAGE_SIZE } from '../src/data/mnist.ts';
import { generateSplit, isSynthKind, kindOf, SPLIT_SEEDS, SYNTH_KINDS } from '../src/data/synth/index.ts';
import { harvestPicture, type HarvestedCrop } from '../src/training/harvest.ts';
import { renderImageGrid } from '../src/vision/render.ts';

const USAGE = `
npm run harvest -- --out PREFIX [--split train|dev] [--seed S] [--n N] [--kinds K,...] [--sheet FILE.png]

  --split      train (default; needs --seed, any seed but the dev and test seeds) or dev
  --seed S     the training seed
  --n N        pictures to generate and cut (default 2000): indices 0..N-1
  --kinds K,…  only the pictures of these kinds among them (${SYNTH_KINDS.join(', ')})
  --out PREFIX writes PREFIX-images-idx3-ubyte and PREFIX-labels-idx1-ubyte (labels 0-9, 10 = not a digit)
  --sheet F    a PNG sheet of random crops per class, for looking at
  --max-side P cap the pictures' long side (default 1600: the pipeline works at 800 px anyway)
`;

async function main(): Promise<void> {
  const { values: v } = parseCli(USAGE, {
    split: { type: 'string' },
    seed: { type: 'string' },
    n: { type: 'string' },
    out: { type: 'string' },
    sheet: { type: 'string' },
    'max-side': { type: 'string' },
    kinds: { type: 'string' },
  });
  const maxSide = num(v['max-side'], 'max-side', 1600, (x) => Number.isInteger(x) && x >= 64);
  const split = v.split ?? 'train';
  if (split !== 'train' && split !== 'dev') fail('--split must be train or dev (test-split crops are never used to train or select)', 2);
  if (!v.out) fail('--out PREFIX is required', 2);
  const n = num(v.n, 'n', 2000, (x) => Number.isInteger(x) && x > 0);
  const seed = num(v.seed, 'seed', NaN, Number.isInteger);
  if (split === 'train' && (!Number.isInteger(seed) || seed === SPLIT_SEEDS.dev || seed === SPLIT_SEEDS.test)) {
    fail(`--split train needs --seed S, any integer but the dev (${SPLIT_SEEDS.dev}) and test (${SPLIT_SEEDS.test}) seeds`, 2);
  }
  const given = v.kinds?.split(',').map((k) => k.trim());
  const unknown = given?.filter((k) => !isSynthKind(k)) ?? [];
  if (unknown.length > 0) fail(`--kinds: unknown kind ${unknown.join(', ')} (kinds: ${SYNTH_KINDS.join(', ')})`, 2);
  const kinds = given?.filter(isSynthKind);
  const picked = kinds === undefined ? n : Array.from({ length: n }, (_, i) => kindOf(split === 'train' ? seed : SPLIT_SEEDS.dev, i)).filter((k) => kinds.includes(k)).length;
  const crops: HarvestedCrop[] = [];
  let skipped = 0;
  let missed = 0;
  let drawn = 0;
  let refused = 0;
  const bar = new ProgressBar();
  const started = performance.now();
  let done = 0;
  for await (const pic of generateSplit(split, n, { ...(split === 'train' ? { seed } : {}), maxSide, ...(kinds ? { kinds } : {}) })) {
    drawn += pic.marks.length;
    try {
      const h = await harvestPicture(pic.bytes, pic.marks);
      crops.push(...h.crops);
      skipped += h.skipped;
      missed += h.missed;
    } catch {
      refused++; // the pipeline refuses the file itself (too small, ...): nothing to learn from
      missed += pic.marks.length;
    }
    bar.update(++done, picked);
    // long runs keep what they have: the files are rewritten every 250 pictures
    if (done % 250 === 0 && done < picked) await save(v.out!, crops);
  }
  bar.clear();
  const { images, labels } = await save(v.out!, crops);
  const perClass = Array.from({ length: NONE_LABEL + 1 }, (_, k) => labels.filter((l) => l === k).length);
  const summary = { split, seed: split === 'train' ? seed : SPLIT_SEEDS.dev, pictures: picked, ...(kinds ? { kinds } : {}), crops: crops.length, perClass, skipped, digitsDrawn: drawn, digitsMissed: missed, filesRefused: refused, seconds: Math.round((performance.now() - started) / 1000) };
  console.log(`${crops.length} crops from ${picked} pictures (${perClass[NONE_LABEL]} not a digit, ${skipped} ambiguous left out); ${drawn - missed} of ${drawn} drawn digits cut as one crop`);
  console.log(JSON.stringify(summary));
  await writeFile(`${v.out}.json`, JSON.stringify(summary, null, 2) + '\n');
  if (v.sheet) {
    const pick: number[] = [];
    for (let k = 0; k <= NONE_LABEL; k++) {
      const of = [...labels.keys()].filter((i) => labels[i] === k);
      for (let j = 0; j < Math.min(k === NONE_LABEL ? 48 : 8, of.length); j++) pick.push(of[Math.floor((j * of.length) / Math.min(k === NONE_LABEL ? 48 : 8, of.length))]);
    }
    const sheetImages = new Float32Array(pick.length * IMAGE_SIZE);
    pick.forEach((i, j) => sheetImages.set(images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), j * IMAGE_SIZE));
    await writeFile(v.sheet, await renderImageGrid(sheetImages, pick.map((i) => (labels[i] === NONE_LABEL ? 'none' : String(labels[i]))), { columns: 16, scale: 2 }));
  }
}

async function save(prefix: string, crops: HarvestedCrop[]): Promise<{ images: Float32Array; labels: Uint8Array }> {
  const images = new Float32Array(crops.length * IMAGE_SIZE);
  const labels = new Uint8Array(crops.length);
  crops.forEach((c, i) => {
    images.set(c.image, i * IMAGE_SIZE);
    labels[i] = c.label;
  });
  await saveCrops(prefix, { images, labels, n: crops.length });
  return { images, labels };
}

runMain(main);
