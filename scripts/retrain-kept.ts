/**
 * npm run retrain-kept -- --kept DIR [settings]
 *
 * The quick loop for tuning a retrain: on the database and models folder a bench-learning run kept
 * (--keep DIR), train a candidate from the active model with other settings (in process, the same
 * trainCandidate the bot's child runs), apply the gate (decide), and have both models read the
 * run's new pictures of the style again. Nothing is promoted and the database is only read.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fail, num, parseCli, runMain } from '../src/cli/args.ts';
import { generatePicture, SPLIT_SEEDS } from '../src/data/synth/index.ts';
import { loadClassifier } from '../src/model/load.ts';
import { loadModel, readManifest } from '../src/model/format.ts';
import { pickSamples } from '../src/retrain/data.ts';
import { evaluate } from '../src/training/evaluate.ts';
import { activeModelName } from '../src/model/registry.ts';
import { defaultRetrainSettings, trainCandidate, type RetrainSettings } from '../src/retrain/candidate.ts';
import { decide, gateLines } from '../src/retrain/gate.ts';
import { retrainData } from '../src/retrain/job.ts';
import { NONE } from '../src/store/assign.ts';
import { openStore } from '../src/store/index.ts';
import type { Sample } from '../src/store/samples.ts';
import { readDigits } from '../src/vision/read.ts';

const USAGE = `npm run retrain-kept -- --kept DIR [options]

Retrains on the data a bench-learning run kept (npm run bench-learning -- ... --keep DIR) with other
settings, applies the gate and reads the run's new pictures of the style with both models. Tune on a
bench run with --start far from the range figures are quoted on.
  --kept DIR         the folder bench-learning --keep wrote (bot.db, models/)
  --from I           first new picture (dev seed, photo-font): the bench's --start + --posted (required)
  --count M          new pictures read (default 200; 0: none)
  --max-side PX      long side of the photos (default 1000, as the bench)
  --epochs E         (default 4)
  --replay R         MNIST images replayed (default: the retrain's)
  --user-share F     share of the mix made of user copies (default: the retrain's)
  --max-repeats N    most copies of a user sample (default: the retrain's)
  --lr X             learning rate (default: the retrain's)
  --corrected-weight W  a corrected sample counts W times a confirmed one (default: the retrain's)
  --none-crops C     copies of each replayed "not a digit" crop (default: the retrain's)
  --elastic          user copies distorted by elastic deformations too (default: affine maps only)
  --no-negatives     leave out the in-style negatives (the "not a digit" samples a one-digit label puts
                     on a picture's other marks), as before they existed
  --seed S           (default 1)
  --threads T        (default 1)
  --json             print the figures as one JSON object only`;

const { values } = parseCli(USAGE, {
  kept: { type: 'string' },
  from: { type: 'string' },
  count: { type: 'string', default: '200' },
  'max-side': { type: 'string', default: '1000' },
  epochs: { type: 'string', default: '4' },
  replay: { type: 'string' },
  'user-share': { type: 'string' },
  'max-repeats': { type: 'string' },
  lr: { type: 'string' },
  'corrected-weight': { type: 'string' },
  'none-crops': { type: 'string' },
  elastic: { type: 'boolean', default: false },
  'no-negatives': { type: 'boolean', default: false },
  seed: { type: 'string', default: '1' },
  threads: { type: 'string', default: '1' },
  json: { type: 'boolean', default: false },
});

const whole = (n: number) => Number.isInteger(n) && n >= 0;

/** An in-style negative: "not a digit" put on a mark by a one-digit label that was about another mark. */
const inStyleNegative = (s: Sample) => s.label === NONE && (s.assignment === 'single' || (s.assignment === 'at' && s.kind === 'candidate'));

runMain(async () => {
  if (!values.kept) fail('--kept DIR is required (see --help)', 2);
  if (values.from === undefined) fail('--from I is required: the bench run\'s --start + --posted (see --help)', 2);
  const kept = resolve(values.kept);
  const from = num(values.from, 'from', 0, whole);
  const count = num(values.count, 'count', 200, whole);
  const maxSide = num(values['max-side'], 'max-side', 1000, (n) => whole(n) && n >= 64);
  const base = defaultRetrainSettings('finetune');
  const settings: RetrainSettings = {
    ...base,
    epochs: num(values.epochs, 'epochs', 4, (n) => whole(n) && n > 0),
    replay: num(values.replay, 'replay', base.replay, whole),
    userShare: num(values['user-share'], 'user-share', base.userShare, (n) => n > 0 && n < 1),
    maxRepeats: num(values['max-repeats'], 'max-repeats', base.maxRepeats, (n) => whole(n) && n > 0),
    learningRate: num(values.lr, 'lr', base.learningRate, (n) => n > 0 && n < 1),
    correctedWeight: num(values['corrected-weight'], 'corrected-weight', base.correctedWeight, (n) => whole(n) && n > 0),
    noneCropCopies: num(values['none-crops'], 'none-crops', base.noneCropCopies, (n) => whole(n) && n > 0),
    augment: values.elastic ? { affine: true, elastic: true } : base.augment,
    seed: num(values.seed, 'seed', 1, whole),
    threads: num(values.threads, 'threads', 1, (n) => whole(n) && n > 0),
  };
  const say = (s: string) => void (values.json || console.log(s));
  const modelsDir = join(kept, 'models');
  const store = await openStore({ url: `file:${join(kept, 'bot.db')}` });
  const keep = (ss: Sample[]) => (values['no-negatives'] ? ss.filter((s) => !inStyleNegative(s)) : ss);
  const [train, held] = await Promise.all([store.samples.labelled({ split: 'train', includeNone: true }), store.samples.labelled({ split: 'holdout', includeNone: true })]).then(([t, h]) => [keep(t), keep(h)]);
  store.close();
  const parent = await activeModelName(modelsDir);
  const classes = (await readManifest(join(modelsDir, parent))).classes.length;
  const data = retrainData(train!, held!, classes);
  const none = (labels: ArrayLike<number>) => Array.from(labels).filter((l) => l === NONE).length;
  say(`${parent}: ${data.userTrain.data.n} training samples (${none(data.userTrain.data.labels)} not a digit), ${data.holdout.data.n} held back (${data.holdout.corrected.filter(Boolean).length} corrected)`);
  const candidate = `kept-${Date.now()}`;
  const r = await trainCandidate({ modelsDir, parent, candidate, ...data, settings, lineage: { kept } });
  const decision = decide(r.gate);
  say(`retrain ${r.trainSeconds.toFixed(1)} s, best epoch ${r.bestEpoch} of ${r.epochsRun}; ${decision.reason}`);
  for (const l of gateLines(r.gate)) say(`  ${l.name}: ${l.value}`);
  // does the candidate fit the corrections it trained on (the selection slice included)? Learning them, or not even that
  const trainedCorrected = pickSamples(data.userTrain.data, data.userTrain.corrected!.flatMap((c, i) => (c ? [i] : [])));
  const fits = await Promise.all([parent, candidate].map(async (m) => (trainedCorrected.n ? evaluate(await loadModel(join(modelsDir, m)), trainedCorrected).accuracy : 0)));
  say(`  Corrected training samples (${trainedCorrected.n}): ${(100 * fits[0]!).toFixed(1)}% → ${(100 * fits[1]!).toFixed(1)}% read right`);

  let pictures: { before: number; after: number; wrongToRight: number; rightToWrong: number; total: number } | null = null;
  if (count > 0) {
    const [a, b] = await Promise.all([loadClassifier(join(modelsDir, parent)), loadClassifier(join(modelsDir, candidate))]);
    pictures = { before: 0, after: 0, wrongToRight: 0, rightToWrong: 0, total: count };
    for (let i = from; i < from + count; i++) {
      const pic = await generatePicture(SPLIT_SEEDS.dev, i, { kind: 'photo-font', maxSide });
      const right = async (c: typeof a) => {
        const read = await readDigits(pic.bytes, c).catch(() => null);
        return read !== null && !read.noDigit && read.digits === pic.label;
      };
      const [x, y] = [await right(a), await right(b)];
      pictures.before += Number(x);
      pictures.after += Number(y);
      if (y && !x) pictures.wrongToRight++;
      if (x && !y) pictures.rightToWrong++;
    }
    say(`new pictures ${from}..${from + count - 1}: ${pictures.before} → ${pictures.after} right (${pictures.wrongToRight} wrong → right, ${pictures.rightToWrong} right → wrong; the candidate served whether or not the gate would promote it)`);
  }
  rmSync(join(modelsDir, candidate), { recursive: true, force: true });
  if (values.json) console.log(JSON.stringify({ settings: { ...settings, optimizer: undefined }, negatives: !values['no-negatives'], decision, gate: r.gate, trainSeconds: r.trainSeconds, bestEpoch: r.bestEpoch, pictures }));
});
