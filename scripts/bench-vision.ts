/**
 * npm exec tsx scripts/bench-vision.ts [-- --model DIR] [--runs N]
 *
 * Time per picture through readDigits (decode → 28x28 → model → answer): p50 / p95 over N runs
 * for a 12-megapixel phone-photo JPEG and a 1000x1000 PNG. Uses the active model when one loads,
 * else a stand-in classifier (the model is a small part of the time), and says which.
 */
import sharp from 'sharp';
import { num, parseCli } from '../src/cli/args.ts';
import { loadClassifier } from '../src/model/load.ts';
import type { DigitClassifier } from '../src/model/classifier.ts';
import { readDigits } from '../src/vision/read.ts';
import { cleanPng, photoJpeg } from '../test/vision/fixtures.ts';

const USAGE = `npm run bench-vision -- [--model DIR] [--runs N]

Time per picture through readDigits (decode → 28×28 → model → answer), p50 / p95 over N runs,
for a 12-megapixel phone-photo JPEG and a 1000×1000 PNG.
  --model DIR   models folder or one model's folder (default models; a stand-in when none loads)
  --runs N      timed runs per picture (default 30)`;
const { values } = parseCli(USAGE, { model: { type: 'string', default: 'models' }, runs: { type: 'string', default: '30' } });
const runs = num(values.runs, 'runs', 30, (n) => Number.isInteger(n) && n > 0);

let classifier: DigitClassifier;
try {
  classifier = await loadClassifier(values.model);
} catch {
  classifier = {
    name: 'stand-in (no model loaded)',
    predictProbs: (_x: Float32Array, n: number) => new Float32Array(n * 10).fill(0.1),
  };
}

const photo = await photoJpeg('4096', { width: 4000, height: 3000, quality: 88, stroke: 2.5 });
const png = await sharp(await cleanPng('2024', { scale: 2 })).resize(1000, 1000, { fit: 'contain', background: '#fff' }).png().toBuffer();

async function bench(name: string, bytes: Buffer): Promise<void> {
  const meta = await sharp(bytes).metadata();
  await readDigits(bytes, classifier); // warm-up (libvips caches, JIT)
  const times: number[] = [];
  let digits = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await readDigits(bytes, classifier, { timeBudgetMs: 60_000 });
    times.push(performance.now() - t0);
    digits = r.digits || `(no digit: ${r.reason})`;
  }
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  console.log(
    `${name.padEnd(28)} ${meta.width}x${meta.height} ${(bytes.length / 1024).toFixed(0)} KB  p50 ${q(0.5).toFixed(0)} ms  p95 ${q(0.95).toFixed(0)} ms  read: ${digits}`,
  );
}

console.log(`model: ${classifier.name}; ${runs} runs each; sharp concurrency ${sharp.concurrency()}`);
await bench('12-MP phone photo (JPEG)', photo);
await bench('1000x1000 drawing (PNG)', png);
