/**
 * npm run bench-vision [-- --model DIR] [--runs N] [--profile [--cpu] [--min]] [--dev DIR --n N]
 *
 * Time per picture through readDigits (decode → 28x28 → model → answer): p50 / p95 over N runs
 * for a 12-megapixel phone-photo JPEG and a 1000x1000 PNG. Uses the active model when one loads,
 * else a stand-in classifier (the model is a small part of the time), and says which.
 * --profile adds the median time of each step; --dev reads cached synthetic dev pictures once
 * each and prints the per-step medians per picture kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { num, parseCli } from '../src/cli/args.ts';
import { loadClassifier } from '../src/model/load.ts';
import type { DigitClassifier } from '../src/model/classifier.ts';
import { readDigits } from '../src/vision/read.ts';
import { cleanPng, photoJpeg } from '../test/vision/fixtures.ts';

const USAGE = `npm run bench-vision -- [--model DIR] [--runs N] [--profile] [--dev DIR [--n N]]

Time per picture through readDigits (decode → 28×28 → model → answer), p50 / p95 over N runs,
for a 12-megapixel phone-photo JPEG and a 1000×1000 PNG.
  --model DIR   models folder or one model's folder (default models; a stand-in when none loads)
  --runs N      timed runs per picture (default 30)
  --profile     also print the median time of each step (decode, flatten, polarity, …)
  --cpu         with --profile / --dev: the process's CPU time per step instead of wall-clock
                (steadier when other jobs share the cores; decode's libvips threads count too)
  --min         with --profile: each step's fastest run instead of its median (what the code
                costs when nothing else gets in its way, on a shared machine)
  --dev DIR     instead: read the cached synthetic dev pictures in DIR (from pipeline-accuracy
                --split dev --cache DIR) once each and print per-step medians per picture kind
  --n N         with --dev: pictures 0..N-1 (default 200)`;
const { values } = parseCli(USAGE, {
  model: { type: 'string', default: 'models' },
  runs: { type: 'string', default: '30' },
  profile: { type: 'boolean', default: false },
  cpu: { type: 'boolean', default: false },
  min: { type: 'boolean', default: false },
  dev: { type: 'string' },
  n: { type: 'string' },
});
const runs = num(values.runs, 'runs', 30, (n) => Number.isInteger(n) && n > 0);
const devCount = num(values.n, 'n', 200, (n) => Number.isInteger(n) && n > 0);

let classifier: DigitClassifier;
try {
  classifier = await loadClassifier(values.model);
} catch {
  classifier = {
    name: 'stand-in (no model loaded)',
    predictProbs: (_x: Float32Array, n: number) => new Float32Array(n * 10).fill(0.1),
  };
}

/** Milliseconds: wall-clock, or with --cpu this process's user + system CPU time. */
const clock = values.cpu
  ? (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : (): number => performance.now();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Per-step durations (ms) of many reads, in the order the steps first ran. */
class StepTimes {
  readonly steps = new Map<string, number[]>();
  /** whole reads (ms): a second look at faint ink runs without the step timer */
  readonly reads: number[] = [];
  /** A timer for one read: each call closes the step named, measured from the previous call. */
  start(): (step: string) => void {
    let last = clock();
    return (step) => {
      const now = clock();
      let list = this.steps.get(step);
      if (!list) this.steps.set(step, (list = []));
      list.push(now - last);
      last = now;
    };
  }
  summary(pick: (xs: number[]) => number = median): string {
    const med = pick;
    const parts = [...this.steps].map(([k, xs]) => `${k} ${med(xs).toFixed(1)}`);
    const total = med([...this.steps.values()].reduce((acc, xs) => acc.map((v, i) => v + (xs[i] ?? 0)), new Array<number>(this.steps.get('decode')?.length ?? 0).fill(0)));
    return `${parts.join(' | ')} | total ${total.toFixed(1)}`;
  }
}

if (values.dev) {
  const byKind = new Map<string, StepTimes>();
  for (let i = 0; i < devCount; i++) {
    const base = join(values.dev, `dev-${String(i).padStart(6, '0')}`);
    const { kind } = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { kind: string };
    const bytes = readFileSync(`${base}.bin`);
    if (i === 0) await readDigits(bytes, classifier).catch(() => undefined); // warm-up
    let times = byKind.get(kind);
    if (!times) byKind.set(kind, (times = new StepTimes()));
    const t0 = clock();
    await readDigits(bytes, classifier, { timeBudgetMs: 60_000 }, times.start()).catch(() => undefined);
    times.reads.push(clock() - t0);
  }
  console.log(`model: ${classifier.name}; dev pictures 0-${devCount - 1}, median ms per step${values.cpu ? ' (CPU)' : ''}, then per whole read (a second look included):`);
  for (const [kind, t] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${kind.padEnd(16)} n=${String(t.steps.get('decode')?.length ?? 0).padEnd(4)} ${t.summary()} | read ${median(t.reads).toFixed(1)}`);
  }
  process.exit(0);
}

const photo = await photoJpeg('4096', { width: 4000, height: 3000, quality: 88, stroke: 2.5 });
const png = await sharp(await cleanPng('2024', { scale: 2 })).resize(1000, 1000, { fit: 'contain', background: '#fff' }).png().toBuffer();

async function bench(name: string, bytes: Buffer): Promise<void> {
  const meta = await sharp(bytes).metadata();
  await readDigits(bytes, classifier); // warm-up (libvips caches, JIT)
  const times: number[] = [];
  const steps = new StepTimes();
  let digits = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await readDigits(bytes, classifier, { timeBudgetMs: 60_000 }, values.profile ? steps.start() : undefined);
    times.push(performance.now() - t0);
    digits = r.digits || `(no digit: ${r.reason})`;
  }
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  console.log(
    `${name.padEnd(28)} ${meta.width}x${meta.height} ${(bytes.length / 1024).toFixed(0)} KB  p50 ${q(0.5).toFixed(0)} ms  p95 ${q(0.95).toFixed(0)} ms  read: ${digits}`,
  );
  if (values.profile) {
    const fastest = (xs: number[]): number => Math.min(...xs);
    console.log(`  ${values.min ? 'fastest' : 'median'} ms per step${values.cpu ? ' (CPU)' : ''}: ${steps.summary(values.min ? fastest : median)}`);
  }
}

console.log(`model: ${classifier.name}; ${runs} runs each; sharp concurrency ${sharp.concurrency()}`);
await bench('12-MP phone photo (JPEG)', photo);
await bench('1000x1000 drawing (PNG)', png);
