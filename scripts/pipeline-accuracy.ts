/**
 * npm exec tsx scripts/pipeline-accuracy.ts [-- --model DIR] [--n 10000] [--n-scaled 2000] [--seeds 10]
 *
 * What the image pipeline costs or gains, measured with the shipped model:
 *  1. MNIST test digits written as image files (28x28 white-on-black PNG; black-on-white scaled
 *     up 10x; a "photo": blue ink on a lit page, JPEG), read back through readDigits, vs the
 *     model's accuracy on the raw arrays of the same images.
 *  2. The test fixtures by kind (clean, inverted, transparent, photo, EXIF, JPEG, WebP, broken,
 *     multi-digit): exact-string accuracy and refusals.
 *  3. Non-digit pictures (blank, noise, shapes, text, letters, scribbles, a landscape): how
 *     often they are read as a number anyway.
 *  4. The "no digit" confidence threshold: false rejects on digits vs false accepts on
 *     non-digits for a range of thresholds (the shape gates stay on).
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadClassifier } from '../src/model/load.ts';
import { loadMnistSplit } from '../src/data/mnist.ts';
import { readDigits } from '../src/vision/read.ts';
import { DEFAULT_VISION_OPTIONS } from '../src/vision/options.ts';
import { ImageRejectedError, type Reading } from '../src/vision/types.ts';
import {
  BROKEN_PATHS,
  NON_DIGIT_KINDS,
  asFormat,
  cleanPng,
  exifRotatedJpeg,
  invertedPng,
  mulberry32,
  nonDigit,
  photoJpeg,
  transparentPng,
} from '../test/vision/fixtures.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models' },
    n: { type: 'string', default: '10000' },
    'n-scaled': { type: 'string', default: '2000' },
    seeds: { type: 'string', default: '10' },
  },
});
const classifier = await loadClassifier(values.model);
const CONF_THRESHOLDS = [0, 0.6, 0.8, 0.9];
const NOVELTY_THRESHOLDS = [Infinity, 2.6, 2.5, 2.4, 2.3, 2.2, 2.0];
const DEFAULT_T = DEFAULT_VISION_OPTIONS.minConfidence;
const DEFAULT_NV = DEFAULT_VISION_OPTIONS.maxNovelty;

/** A reading with the confidence gate off; the gate is applied here for every threshold. */
interface Outcome {
  digits: string;
  /** lowest per-digit confidence, -1 when refused before the model */
  minP: number;
  /** highest per-digit distance to the MNIST prototypes */
  maxNov: number;
  refused?: string;
}

async function run(bytes: Buffer): Promise<Outcome> {
  try {
    // Both learned gates wide open (scores still computed): they are applied below, per threshold.
    const r: Reading = await readDigits(bytes, classifier, { minConfidence: 0, maxNovelty: 1e9 });
    if (r.noDigit) return { digits: '', minP: -1, maxNov: Infinity, refused: r.reason };
    return {
      digits: r.digits,
      minP: Math.min(...r.perDigit.map((d) => d.confidence)),
      maxNov: Math.max(...r.perDigit.map((d) => d.novelty ?? 0)),
    };
  } catch (err) {
    return { digits: '', minP: -1, maxNov: Infinity, refused: err instanceof ImageRejectedError ? `error:${err.code}` : String(err) };
  }
}

const accepted = (o: Outcome, t = DEFAULT_T, nv = DEFAULT_NV): boolean => o.minP >= 0 && o.minP >= t && o.maxNov <= nv;
const pct = (a: number, b: number): string => (b ? ((100 * a) / b).toFixed(2) : '-').padStart(6) + '%';

console.log(`model ${classifier.name}; default confidence threshold ${DEFAULT_T}\n`);

// ---- 1. MNIST through the pipeline -----------------------------------------------------------
const test = await loadMnistSplit('test');
const N = Math.min(test.n, Number(values.n));
const NS = Math.min(N, Number(values['n-scaled']));
const rawProbs = classifier.predictProbs(test.images.subarray(0, N * 784), N);
const rawPred = (i: number): number => {
  let best = 0;
  for (let k = 1; k < 10; k++) if (rawProbs[i * 10 + k] > rawProbs[i * 10 + best]) best = k;
  return best;
};

function toRaw(i: number, invert: boolean): Buffer {
  const raw = Buffer.alloc(784);
  for (let k = 0; k < 784; k++) {
    const v = Math.round(test.images[i * 784 + k] * 255);
    raw[k] = invert ? 255 - v : v;
  }
  return raw;
}

const variants: { name: string; n: number; make: (i: number) => Promise<Buffer> }[] = [
  { name: 'png 28x28 white-on-black', n: N, make: async (i) => sharp(toRaw(i, false), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer() },
  {
    name: 'png x10 black-on-white',
    n: NS,
    make: async (i) => sharp(toRaw(i, true), { raw: { width: 28, height: 28, channels: 1 } }).resize(280, 280, { kernel: 'lanczos3' }).png().toBuffer(),
  },
  {
    name: 'photo: ink x8 on lit page, jpeg',
    n: NS,
    make: async (i) => {
      const rnd = mulberry32(i + 1);
      const W = 640;
      const H = 480;
      // MNIST ink as alpha of blue ink, placed off-centre on a page lit from one corner.
      const alpha = await sharp(toRaw(i, false), { raw: { width: 28, height: 28, channels: 1 } }).resize(224, 224, { kernel: 'cubic' }).extractChannel(0).raw().toBuffer();
      const ink = Buffer.alloc(224 * 224 * 4);
      for (let k = 0; k < 224 * 224; k++) ink.set([30, 50, 150, alpha[k]], k * 4);
      const page = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f2efe8"/><stop offset="1" stop-color="#8d8a83"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
      );
      return sharp(page)
        .composite([{ input: ink, raw: { width: 224, height: 224, channels: 4 }, left: Math.floor(rnd() * (W - 224)), top: Math.floor(rnd() * (H - 224)) }])
        .jpeg({ quality: 80 })
        .toBuffer();
    },
  },
];

const digitOutcomes: Outcome[] = [];
const labelsOf: string[] = [];
console.log('1. MNIST test images through the whole pipeline as image files');
console.log('   variant                              n   raw acc   pipe acc  (delta)  refused  acc|accepted');
for (const v of variants) {
  let rawOk = 0;
  let pipeOk = 0;
  let refused = 0;
  let okAccepted = 0;
  const reasons = new Map<string, number>();
  for (let i = 0; i < v.n; i++) {
    const label = String(test.labels[i]);
    const o = await run(await v.make(i));
    digitOutcomes.push(o);
    labelsOf.push(label);
    if (rawPred(i) === test.labels[i]) rawOk++;
    const ok = accepted(o) && o.digits === label;
    // Pipeline accuracy counts the digit read with no confidence gate: the gate is reported apart.
    if (o.minP >= 0 && o.digits === label) pipeOk++;
    if (!accepted(o)) {
      refused++;
      const why = o.refused ?? (o.maxNov > DEFAULT_NV ? 'unlike any digit (novelty)' : 'low confidence');
      reasons.set(why.split(':')[0], (reasons.get(why.split(':')[0]) ?? 0) + 1);
    }
    if (ok) okAccepted++;
  }
  console.log(
    `   ${v.name.padEnd(34)} ${String(v.n).padStart(5)}  ${pct(rawOk, v.n)}  ${pct(pipeOk, v.n)}  (${(((pipeOk - rawOk) * 100) / v.n).toFixed(2)})  ${pct(refused, v.n)}  ${pct(okAccepted, v.n - refused)}`,
  );
  console.log(`      refusal reasons: ${[...reasons].map(([k, c]) => `${k} ×${c}`).join(', ') || 'none'}`);
}

// ---- 2. Fixtures by kind -----------------------------------------------------------------------
console.log('\n2. Fixtures by kind (digits 0-9 each, exact string; "4096" and broken 4/5 as noted)');
const DIGITS = '0123456789';
const fixtureKinds: { name: string; cases: () => Promise<[string, Buffer][]> }[] = [
  { name: 'clean png', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await cleanPng(d)] as [string, Buffer])) },
  { name: 'thick strokes', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await cleanPng(d, { stroke: 18 })] as [string, Buffer])) },
  { name: 'inverted (dark theme)', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await invertedPng(d)] as [string, Buffer])) },
  { name: 'transparent, white ink', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await transparentPng(d)] as [string, Buffer])) },
  { name: 'transparent, red ink', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await transparentPng(d, '#d22')] as [string, Buffer])) },
  { name: 'phone photo (blue, gradient, jpeg)', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await photoJpeg(d, { width: 1200, height: 900 })] as [string, Buffer])) },
  { name: 'EXIF-rotated jpeg', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await exifRotatedJpeg(d)] as [string, Buffer])) },
  { name: 'webp', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await asFormat(await cleanPng(d), 'webp')] as [string, Buffer])) },
  { name: 'avif', cases: async () => Promise.all([...DIGITS].map(async (d) => [d, await asFormat(await cleanPng(d), 'avif')] as [string, Buffer])) },
  {
    name: 'multi-digit / broken',
    cases: async () => [
      ['4096', await photoJpeg('4096')],
      ['4096', await cleanPng('4096')],
      ['0123456789', await cleanPng('0123456789')],
      ['45', await cleanPng('45', { paths: BROKEN_PATHS })],
      ['4', await cleanPng('4', { paths: BROKEN_PATHS })],
      ['5', await cleanPng('5', { paths: BROKEN_PATHS })],
    ],
  },
];
const fixtureOutcomes: Outcome[] = [];
const fixtureLabels: string[] = [];
for (const k of fixtureKinds) {
  const cases = await k.cases();
  let ok = 0;
  let refused = 0;
  const wrong: string[] = [];
  for (const [label, bytes] of cases) {
    const o = await run(bytes);
    fixtureOutcomes.push(o);
    fixtureLabels.push(label);
    if (!accepted(o)) refused++;
    else if (o.digits === label) ok++;
    else wrong.push(`${label}→${o.digits}`);
  }
  console.log(`   ${k.name.padEnd(36)} ${ok}/${cases.length} right, ${refused} refused${wrong.length ? `, wrong: ${wrong.join(' ')}` : ''}`);
}

// ---- 3. Non-digits ----------------------------------------------------------------------------
console.log(`\n3. Non-digit pictures read as a number anyway (${values.seeds} seeds per kind)`);
const nonOutcomes: Outcome[] = [];
for (const kind of NON_DIGIT_KINDS) {
  let read = 0;
  const seen: string[] = [];
  const seeds = Number(values.seeds);
  for (let s = 1; s <= seeds; s++) {
    const o = await run(await nonDigit(kind, s));
    nonOutcomes.push(o);
    if (accepted(o)) {
      read++;
      seen.push(o.digits);
    }
  }
  console.log(`   ${kind.padEnd(12)} ${pct(read, seeds)} accepted${seen.length ? ` (read as ${seen.join(' ')})` : ''}`);
}

// ---- 4. Threshold sweep -----------------------------------------------------------------------
console.log('\n4. Gates: digits wrongly refused vs non-digits wrongly read (shape gates always on)');
console.log('   min conf  max novelty  MNIST-files refused  errors|accepted  fixtures refused  non-digits accepted');
for (const t of CONF_THRESHOLDS) {
  for (const nv of NOVELTY_THRESHOLDS) {
    const dRef = digitOutcomes.filter((o) => !accepted(o, t, nv)).length;
    const dAcc = digitOutcomes.length - dRef;
    const dWrong = digitOutcomes.filter((o, i) => accepted(o, t, nv) && o.digits !== labelsOf[i]).length;
    const fRef = fixtureOutcomes.filter((o) => !accepted(o, t, nv)).length;
    const nAcc = nonOutcomes.filter((o) => accepted(o, t, nv)).length;
    const mark = t === DEFAULT_T && nv === DEFAULT_NV ? '*' : ' ';
    console.log(
      `   ${t.toFixed(2).padStart(8)}  ${String(nv).padStart(10)}${mark} ${pct(dRef, digitOutcomes.length).padStart(19)}  ${pct(dWrong, dAcc).padStart(15)}  ${pct(fRef, fixtureOutcomes.length).padStart(16)}  ${pct(nAcc, nonOutcomes.length).padStart(19)}`,
    );
  }
}
