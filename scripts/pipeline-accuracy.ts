/**
 * npm run pipeline-accuracy [-- --split test|dev] [--n 2000] [--mnist 10000] [--json] [--dump DIR]
 *
 * What the whole pipeline (decode → marks → 28x28 → model → gates) answers, counted honestly:
 *  1. the synthetic chat pictures of a split (src/data/synth): per kind and per hazard, digit
 *     pictures answered right (the answer string equals the label) / wrong / refused, and
 *     non-digit pictures answered "no digit" / read as digits;
 *  2. MNIST test digits written as 28x28 PNG files (white on black): right / wrong / refused,
 *     with the refusal reasons counted.
 * Prints the tables, a few example failures per kind, and one JSON line last.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { fail, num, parseCli, runMain } from '../src/cli/args.ts';
import { loadClassifier } from '../src/model/load.ts';
import { loadMnistSplit } from '../src/data/mnist.ts';
import { formatRows, gate, pct, readOutcome, readScored, tally, type Case, type Scored, type Tally } from '../src/training/pipelineTally.ts';
import { DEFAULT_VISION_OPTIONS } from '../src/vision/options.ts';
import { generatePicture, isSynthKind, SPLIT_SEEDS, SYNTH_KINDS, type SynthKind, type SynthPicture } from '../src/data/synth/index.ts';

const USAGE = `
npm run pipeline-accuracy -- [options]

  --split test|dev   synthetic split to read (default test; tune only on dev)
  --n N              synthetic pictures, indices 0..N-1 (default 2000; 0 skips them)
  --start S          indices S..S+N-1 instead (default 0)
  --kind K           pictures of this kind only, drawn from the split's seed at those indices but
                     not the split's own pictures there (${SYNTH_KINDS.join(', ')}): more of one
                     kind than the mix holds, e.g. --split dev --kind number --start 20000 --n 400
  --mnist N          MNIST test digits as 28x28 PNG files (default 10000; 0 skips them)
  --mnist-split S    test (default) or validation (the last 10,000 training-file images)
  --sweep            calibrate the two learned gates: read with them open, then count for a grid
                     of confidence / novelty thresholds (only with --split dev --mnist-split validation)
  --model DIR        models folder (default models: the active model)
  --examples K       example failures listed per kind (default 5)
  --cache DIR        keep the generated pictures in DIR and read them from there next time
                     (generating is about half the time; the pictures are the same bytes anyway)
  --dump DIR         write every failure (the file as posted + failures.json) to DIR
  --json             print only the JSON summary line
  -h, --help         this text
`;

const { values } = parseCli(USAGE, {
  split: { type: 'string', default: 'test' },
  n: { type: 'string' },
  start: { type: 'string' },
  kind: { type: 'string' },
  mnist: { type: 'string' },
  model: { type: 'string', default: 'models' },
  examples: { type: 'string' },
  dump: { type: 'string' },
  cache: { type: 'string' },
  json: { type: 'boolean', default: false },
  'mnist-split': { type: 'string', default: 'test' },
  sweep: { type: 'boolean', default: false },
});

const CONFIDENCES = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const NOVELTIES = [2.4, 2.6, 2.8, 3.0, 3.2, 3.5, 4, Infinity];

runMain(async () => {
  const split = values.split;
  if (split !== 'test' && split !== 'dev') fail(`--split must be test or dev, got "${split}"`, 2);
  const mnistSplit = values['mnist-split'];
  if (mnistSplit !== 'test' && mnistSplit !== 'validation') fail(`--mnist-split must be test or validation, got "${mnistSplit}"`, 2);
  if (values.sweep && (split !== 'dev' || mnistSplit !== 'validation')) {
    fail('--sweep chooses thresholds, so it runs only on --split dev --mnist-split validation (never on a test split)', 2);
  }
  const n = num(values.n, 'n', 2000, (x) => Number.isInteger(x) && x >= 0);
  const start = num(values.start, 'start', 0, (x) => Number.isInteger(x) && x >= 0);
  const kind = values.kind;
  if (kind !== undefined && !isSynthKind(kind)) fail(`--kind must be one of ${SYNTH_KINDS.join(', ')}, got "${kind}"`, 2);
  const nMnist = num(values.mnist, 'mnist', 10_000, (x) => Number.isInteger(x) && x >= 0 && x <= 10_000);
  const examples = num(values.examples, 'examples', 5, (x) => Number.isInteger(x) && x >= 0);
  const say = values.json ? (): void => {} : (line = ''): void => console.log(line);
  const dump = values.dump;
  if (dump) mkdirSync(dump, { recursive: true });
  const dumped: (Case & { file: string })[] = [];
  const keep = (c: Case, bytes: Buffer, ext: string): void => {
    const failed = c.label === null ? c.outcome.answer !== undefined : c.outcome.answer !== c.label;
    if (!dump || !failed) return;
    const file = `${c.id}.${ext}`;
    writeFileSync(join(dump, file), bytes);
    dumped.push({ ...c, file });
  };

  const classifier = await loadClassifier(values.model);
  say(`model ${classifier.name}`);
  const started = performance.now();
  const summary: Record<string, unknown> = { model: classifier.name };
  /** Scored readings (gates open) of both parts, for --sweep. */
  const scored: { part: 'synthetic' | 'mnist'; meta: Omit<Case, 'outcome'>; s: Scored }[] = [];
  const read = async (meta: Omit<Case, 'outcome'>, bytes: Buffer, part: 'synthetic' | 'mnist'): Promise<Case> => {
    if (!values.sweep) return { ...meta, outcome: await readOutcome(bytes, classifier) };
    const s = await readScored(bytes, classifier);
    scored.push({ part, meta, s });
    return { ...meta, outcome: s.outcome };
  };

  if (n > 0) {
    const cases: Case[] = [];
    const t0 = performance.now();
    for await (const p of pictures(split, start, n, kind, values.cache)) {
      const c = await read({ id: p.id, label: p.label, kind: p.kind, hazards: p.hazards }, p.bytes, 'synthetic');
      cases.push(c);
      keep(c, p.bytes, p.format === 'jpeg' ? 'jpg' : p.format);
      if (!values.json && cases.length % 100 === 0) process.stderr.write(`  ${cases.length}/${n}\r`);
    }
    const t = tally(cases, examples);
    say(`\nsynthetic ${split} split, ${kind ? `${kind} pictures` : 'pictures'} ${start}-${start + n - 1} (${((performance.now() - t0) / 1000).toFixed(0)} s)${values.sweep ? ', gates open' : ''}`);
    printTally(t, say, true);
    summary.synthetic = { split, start, n, ...(kind ? { kind } : {}), ...compact(t) };
  }

  if (nMnist > 0) {
    const ds = await loadMnistSplit(mnistSplit);
    const count = Math.min(nMnist, ds.n);
    const cases: Case[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const raw = Buffer.alloc(784);
      for (let k = 0; k < 784; k++) raw[k] = Math.round(ds.images[i * 784 + k] * 255);
      const png = await sharp(raw, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
      const c = await read({ id: `mnist-${mnistSplit}-${i}`, label: String(ds.labels[i]), kind: 'mnist-png', hazards: [] }, png, 'mnist');
      cases.push(c);
      keep(c, png, 'png');
    }
    const t = tally(cases, examples);
    const d = t.total.digits;
    say(`\nMNIST ${mnistSplit} digits 0-${count - 1} as 28x28 PNG files (${((performance.now() - t0) / 1000).toFixed(0)} s)${values.sweep ? ', gates open' : ''}`);
    say(`  right ${d.right} (${pct(d.right, d.n, 2)})   refused ${d.refused} (${pct(d.refused, d.n, 2)})   wrong ${d.wrong} (${pct(d.wrong, d.n, 2)})   of ${d.n}`);
    printTally(t, say, false);
    summary.mnist = { split: mnistSplit, n: count, right: d.right, refused: d.refused, wrong: d.wrong, refusalReasons: t.refusalReasons, failures: t.failures['mnist-png'] ?? [] };
  }

  if (values.sweep) summary.sweep = sweep(scored, say);
  if (dump) {
    writeFileSync(join(dump, 'failures.json'), JSON.stringify(dumped, null, 1));
    say(`\n${dumped.length} failures written to ${dump}/ (failures.json lists them)`);
  }
  summary.seconds = Math.round((performance.now() - started) / 1000);
  console.log(JSON.stringify(summary));
});

/**
 * The split's pictures start..start+n-1 (of one kind when `kind` is set), from the cache folder
 * when it holds them all (written there otherwise).
 */
async function* pictures(split: 'dev' | 'test', start: number, n: number, kind: SynthKind | undefined, cache: string | undefined): AsyncGenerator<SynthPicture> {
  const name = (i: number): string => `${split}-${kind ? `${kind}-` : ''}${String(i).padStart(6, '0')}`;
  const file = (i: number): string => join(cache ?? '', name(i));
  const indices = Array.from({ length: n }, (_, i) => start + i);
  if (cache && indices.every((i) => existsSync(`${file(i)}.json`))) {
    for (const i of indices) {
      const meta = JSON.parse(readFileSync(`${file(i)}.json`, 'utf8')) as Omit<SynthPicture, 'bytes'>;
      yield { ...meta, bytes: readFileSync(`${file(i)}.bin`) };
    }
    return;
  }
  if (cache) mkdirSync(cache, { recursive: true });
  for (const i of indices) {
    const generated = await generatePicture(SPLIT_SEEDS[split], i, kind ? { kind } : {});
    const p = kind ? { ...generated, id: name(i) } : generated;
    if (cache) {
      const { bytes, ...meta } = p;
      writeFileSync(`${file(i)}.bin`, bytes);
      writeFileSync(`${file(i)}.json`, JSON.stringify(meta));
    }
    yield p;
  }
}

/** For each pair of gate thresholds: MNIST right / refused, synthetic digits right / refused, non-digits "no digit". */
function sweep(scored: { part: 'synthetic' | 'mnist'; meta: Omit<Case, 'outcome'>; s: Scored }[], say: (line?: string) => void): unknown[] {
  say('\ngate sweep (defaults marked *): confidence, novelty → MNIST right / refused, synthetic digits right / refused, non-digits "no digit"');
  const rows: unknown[] = [];
  for (const t of CONFIDENCES) {
    for (const nv of NOVELTIES) {
      const m = tally(scored.filter((x) => x.part === 'mnist').map((x) => ({ ...x.meta, outcome: gate(x.s, t, nv) })), 0).total;
      const y = tally(scored.filter((x) => x.part === 'synthetic').map((x) => ({ ...x.meta, outcome: gate(x.s, t, nv) })), 0).total;
      const mark = t === DEFAULT_VISION_OPTIONS.minConfidence && nv === DEFAULT_VISION_OPTIONS.maxNovelty ? '*' : ' ';
      say(
        `  ${t.toFixed(2)} ${String(nv).padStart(8)}${mark}  MNIST ${pct(m.digits.right, m.digits.n, 2).padStart(6)} / ${pct(m.digits.refused, m.digits.n, 2).padStart(6)}` +
          `   synthetic ${pct(y.digits.right, y.digits.n).padStart(6)} / ${pct(y.digits.refused, y.digits.n).padStart(6)}   non-digits ${pct(y.nonDigits.noDigit, y.nonDigits.n).padStart(6)}`,
      );
      rows.push({ minConfidence: t, maxNovelty: nv, mnist: m.digits, synthetic: y.digits, nonDigits: y.nonDigits });
    }
  }
  return rows;
}

function printTally(t: Tally, say: (line?: string) => void, rows: boolean): void {
  if (rows) {
    for (const line of formatRows('kind', { ...t.byKind, all: t.total })) say(`  ${line}`);
    say();
    const hazards = Object.fromEntries(Object.entries(t.byHazard).sort(([a], [b]) => a.localeCompare(b)));
    for (const line of formatRows('hazard', hazards)) say(`  ${line}`);
  }
  const reasons = Object.entries(t.refusalReasons).sort((a, b) => b[1] - a[1]);
  say(`\n  digit refusals by reason: ${reasons.map(([k, c]) => `${k} ×${c}`).join('; ') || 'none'}`);
  for (const [kind, list] of Object.entries(t.failures)) {
    if (list.length === 0) continue;
    say(`  example failures, ${kind}:`);
    for (const f of list) say(`    ${f.id.padEnd(18)} label ${String(f.label ?? '-').padEnd(7)} answer ${String(f.answer ?? '-').padEnd(7)} ${f.reason ?? ''}`);
  }
}

/** The summary for the JSON line: the counts without the example lists. */
function compact(t: Tally): Omit<Tally, 'failures'> {
  return { total: t.total, byKind: t.byKind, byHazard: t.byHazard, refusalReasons: t.refusalReasons };
}
