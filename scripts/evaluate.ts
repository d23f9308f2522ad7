/**
 * Measures a model on the 10,000 MNIST test images: accuracy, per-digit accuracy, the
 * confusion matrix (printed and as PNG) and a PNG grid of the misclassified images.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCli, runMain } from '../src/cli/args.ts';
import { IMAGE_SIZE, loadMnistSplit } from '../src/data/mnist.ts';
import { loadModel } from '../src/model/format.ts';
import { activeModelName } from '../src/model/registry.ts';
import { served } from '../src/model/shifts.ts';
import { initKernels } from '../src/nn/kernels/index.ts';
import { evaluate } from '../src/training/evaluate.ts';
import { renderConfusionMatrix, renderImageGrid } from '../src/vision/render.ts';

const USAGE = `
npm run evaluate -- [--model DIR] [--split test|validation] [--served] [--out DIR] [--json]

  --model DIR   model folder (default: the active model in models/)
  --split S     test (default) or validation
  --served      as the bot serves it (shifts.ts: an 11-class model averaged over one-pixel shifts)
  --out DIR     where the PNGs go (default out/evaluate)
  --json        end with one JSON line: {accuracy, errors, total, model, perDigit, confusion}
`;

async function main(): Promise<void> {
  const { values: v } = parseCli(USAGE, {
    model: { type: 'string' },
    split: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    served: { type: 'boolean' },
  });
  const split = v.split === 'validation' ? 'validation' : 'test';
  const dir = v.model ?? join('models', await activeModelName('models'));
  await initKernels();
  const model = await loadModel(dir, { maxBatch: 256 });
  const data = await loadMnistSplit(split);
  const t0 = performance.now();
  const ev = evaluate(v.served ? served(model) : model, data);
  const seconds = (performance.now() - t0) / 1000;

  console.log(`Model ${model.name} [${model.architecture}]${v.served ? ' as served' : ''} on the ${data.n.toLocaleString('en')} MNIST ${split} images:`);
  console.log(`Accuracy: ${ev.correct} / ${ev.total} (${(100 * ev.accuracy).toFixed(2)}%), ${ev.total - ev.correct} of ${ev.total.toLocaleString('en')} wrong (${seconds.toFixed(2)}s, ${Math.round(ev.total / seconds)} images/s)`);
  console.log('Per digit:');
  for (const d of ev.perDigit) console.log(`  ${d.digit}: ${(100 * d.accuracy).toFixed(2)}% (${d.total - d.correct} of ${d.total} wrong)`);
  console.log('Confusion matrix (rows: true digit, columns: predicted):');
  console.log('       ' + [...Array(10).keys()].map((j) => String(j).padStart(5)).join(''));
  ev.confusion.forEach((row, i) => console.log(`  ${i}:   ` + row.map((c) => String(c).padStart(5)).join('')));

  const outDir = v.out ?? join('out', 'evaluate');
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'confusion.png'), await renderConfusionMatrix(ev.confusion, `${model.name}: ${split} confusion matrix`));
  const shown = ev.mistakes.slice(0, 100);
  const images = new Float32Array(shown.length * IMAGE_SIZE);
  shown.forEach((m, i) => images.set(data.images.subarray(m.index * IMAGE_SIZE, (m.index + 1) * IMAGE_SIZE), i * IMAGE_SIZE));
  await writeFile(
    join(outDir, 'mistakes.png'),
    await renderImageGrid(
      images,
      shown.map((m) => `${m.label}→${m.predicted}`),
      { columns: 10, scale: 3 },
    ),
  );
  console.log(`Wrote ${outDir}/confusion.png and ${outDir}/mistakes.png (${shown.length} of ${ev.mistakes.length} mistakes, as true→predicted)`);
  if (v.json) {
    console.log(
      JSON.stringify({
        model: model.name,
        split,
        served: v.served === true,
        accuracy: ev.accuracy,
        errors: ev.total - ev.correct,
        total: ev.total,
        perDigit: ev.perDigit.map((d) => d.accuracy),
        confusion: ev.confusion,
      }),
    );
  }
}

runMain(main);
