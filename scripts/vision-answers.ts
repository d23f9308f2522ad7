/**
 * npm run vision-answers -- --cache DIR [--n N] [--mnist N] --out FILE
 *
 * Every picture's full answer, one JSON line each, for checking that a change to the image
 * pipeline (a faster kernel, another working size) answers exactly as before: the digits or the
 * refusal reason, each mark's class and confidence, the polarity, and a hash of every 28x28
 * image handed to the model. Diff two runs' files. Reads the synthetic dev split's cached
 * pictures (written by `pipeline-accuracy --split dev --cache DIR`) and MNIST validation digits
 * as 28x28 PNGs: never a test split.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { fail, num, parseCli, runMain } from '../src/cli/args.ts';
import { loadClassifier } from '../src/model/load.ts';
import { loadMnistSplit } from '../src/data/mnist.ts';
import { readDigits } from '../src/vision/read.ts';
import { ImageRejectedError, type Reading } from '../src/vision/types.ts';

const USAGE = `npm run vision-answers -- --cache DIR --out FILE [options]

Writes every picture's full answer (digits or reason, per-mark class + confidence, polarity,
a hash of each 28x28 image) as one JSON line, to diff before/after a pipeline change.
  --cache DIR   cached synthetic dev pictures (dev-000000.bin/.json …, from pipeline-accuracy --cache)
  --n N         dev pictures 0..N-1 (default 400; 0 skips them)
  --mnist N     MNIST validation digits as PNG (default 1000; 0 skips them)
  --model DIR   models folder (default models)
  --out FILE    where to write the lines`;

const { values } = parseCli(USAGE, {
  cache: { type: 'string' },
  n: { type: 'string' },
  mnist: { type: 'string' },
  model: { type: 'string', default: 'models' },
  out: { type: 'string' },
});

function describe(r: Reading): Record<string, unknown> {
  const marks = r.noDigit ? (r.candidates ?? []) : r.perDigit;
  const hash = createHash('sha1');
  for (const m of marks) hash.update(Buffer.from(m.image.buffer, m.image.byteOffset, m.image.byteLength));
  return {
    digits: r.digits,
    reason: r.reason ?? null,
    polarity: r.polarity ?? null,
    marks: marks.map((m) => `${m.digit}:${m.confidence.toFixed(6)}:${(m.notDigit ?? 0).toFixed(6)}:${m.box.x},${m.box.y},${m.box.width},${m.box.height}`),
    images: hash.digest('hex').slice(0, 16),
  };
}

runMain(async () => {
  if (!values.out) fail('--out FILE is required', 2);
  const n = num(values.n, 'n', 400, (x) => Number.isInteger(x) && x >= 0);
  const nMnist = num(values.mnist, 'mnist', 1000, (x) => Number.isInteger(x) && x >= 0 && x <= 10_000);
  if (n > 0 && !values.cache) fail('--cache DIR is required for the dev pictures', 2);
  const classifier = await loadClassifier(values.model);
  const lines: string[] = [];
  const read = async (id: string, bytes: Buffer): Promise<void> => {
    let out: Record<string, unknown>;
    try {
      out = describe(await readDigits(bytes, classifier, { timeBudgetMs: 60_000 }));
    } catch (err) {
      if (!(err instanceof ImageRejectedError)) throw err;
      out = { refused: err.code };
    }
    lines.push(JSON.stringify({ id, ...out }));
  };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const file = join(values.cache ?? '', `dev-${String(i).padStart(6, '0')}.bin`);
    if (!existsSync(file)) fail(`${file} is missing (generate with pipeline-accuracy --split dev --cache DIR)`);
    await read(`dev-${i}`, readFileSync(file));
  }
  if (nMnist > 0) {
    const ds = await loadMnistSplit('validation');
    for (let i = 0; i < Math.min(nMnist, ds.n); i++) {
      const raw = Buffer.alloc(784);
      for (let k = 0; k < 784; k++) raw[k] = Math.round(ds.images[i * 784 + k] * 255);
      await read(`mnist-validation-${i}`, await sharp(raw, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer());
    }
  }
  writeFileSync(values.out, lines.join('\n') + '\n');
  console.log(`${lines.length} answers written to ${values.out} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
});
