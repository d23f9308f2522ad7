/** The pure parts: the gate, the training mix, the candidate name, settings from the configuration. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { concatDatasets, IMAGE_SIZE, subset } from '../../src/data/mnist.ts';
import { Rng } from '../../src/nn/rng.ts';
import { cappedCopies, cropsSelectionSplit, mixTrainingSet, randomSubset, selectionSplit, toDataset, userRepeats, validationSet, type UserSamples } from '../../src/retrain/data.ts';
import { addPaired, binomialTail, decide, evidence, gateLines, harmReason, pairTally, withoutTopUser, type GateFigures, type Paired } from '../../src/retrain/gate.ts';
import { crossFitPlan } from '../../src/retrain/candidate.ts';
import { settingsFromConfig } from '../../src/retrain/index.ts';
import { retrainData } from '../../src/retrain/job.ts';
import type { Sample } from '../../src/store/samples.ts';
import { candidateName } from '../../src/retrain/versions.ts';
import { formatRetrainProgress, formatRetrainReport } from '../../src/bot/commands/retrain.ts';

const t = (n: number, before: number, after: number, fixed: number, broken = 0): Paired => ({ n, before, after, fixed, broken });
/** A candidate that fixes `fixed` held-back corrected samples of each of `users` users (5 each), nothing else changing. */
function figures(o: { users?: number; fixedEach?: number[]; confirmed?: Paired; mnist?: Paired; refusals?: Paired | null; crops?: Paired | null } = {}): GateFigures {
  const fixedEach = o.fixedEach ?? [3, 3, 3, 3];
  const byUser: Record<string, Paired> = {};
  fixedEach.forEach((f, u) => (byUser[`user${u}`] = t(5, 0, f, f)));
  return {
    mnist: o.mnist ?? t(8000, 7950, 7950, 0),
    corrected: addPaired(...Object.values(byUser)),
    correctedByUser: byUser,
    confirmed: o.confirmed ?? t(60, 60, 60, 0),
    crops: o.crops ?? null,
    refusals: o.refusals ?? null,
  };
}

describe('the promotion gate', () => {
  it('exact one-sided binomial tails', () => {
    expect(binomialTail(5, 5)).toBeCloseTo(1 / 32, 12);
    expect(binomialTail(6, 7)).toBeCloseTo(8 / 128, 12);
    expect(binomialTail(0, 0)).toBe(1);
    expect(binomialTail(3, 2)).toBe(0);
    expect(binomialTail(600, 1000)).toBeLessThan(1e-9);
    expect(binomialTail(500, 1000)).toBeCloseTo(0.5126, 3);
  });

  it('paired tallies count the fixed and the broken images', () => {
    expect(pairTally([1, 2, 3, 4], [1, 0, 3, 0], [1, 2, 0, 0])).toEqual({ n: 4, before: 2, after: 2, fixed: 1, broken: 1 });
    expect(pairTally([1, 2, 3, 4], [1, 0, 3, 0], [1, 2, 0, 0], (i) => i < 2)).toEqual({ n: 2, before: 1, after: 2, fixed: 1, broken: 0 });
  });

  it('promotes on a real gain: corrected samples of several users fixed, nothing else lost', () => {
    const d = decide(figures());
    expect(d.promote).toBe(true);
    expect(d.reason).toMatch(/^promoted: held-back corrected 0\.00% → 60\.00% \(20; 12 fixed, 0 broken\) \(p < 0\.001; without the top user p = 0\.002\)/);
  });

  it('one sample never decides: a single fix is noise, and few corrected samples are not enough', () => {
    expect(decide(figures({ fixedEach: [1, 0, 0, 0] }))).toMatchObject({ promote: false, reason: expect.stringMatching(/no gain beyond noise.*1 fixed.*p = 0\.500/) });
    // 4 fixed of 4 changed is p = 1/16: still noise
    expect(decide(figures({ fixedEach: [1, 1, 1, 1] })).promote).toBe(false);
    // 5 of 5 corrected fixed, but 5 corrected samples are too few to rest on
    expect(decide(figures({ fixedEach: [5] }))).toMatchObject({ promote: false, reason: expect.stringMatching(/too few held-back corrected samples to measure a gain \(5, at least 10/) });
    // fixes balanced by breaks are no gain
    const g = figures();
    g.corrected = t(20, 6, 12, 9, 3);
    g.correctedByUser = { a: t(10, 3, 6, 5, 2), b: t(10, 3, 6, 4, 1) };
    expect(decide(g).promote).toBe(false);
  });

  it('poisoning: a gain that rests on one user is rejected, however large', () => {
    const d = decide(figures({ fixedEach: [5, 0, 0, 0, 0, 0, 0, 0] }));
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/rests on one user/);
    // 40 poisoned held-back samples of one user all "fixed", the others unchanged
    const flood = figures({ fixedEach: [0, 0, 1] });
    flood.correctedByUser.poisoner = t(40, 0, 40, 40);
    flood.corrected = addPaired(...Object.values(flood.correctedByUser));
    expect(decide(flood)).toMatchObject({ promote: false, reason: expect.stringMatching(/rests on one user/) });
    expect(withoutTopUser(flood).user).toBe('poisoner');
  });

  it('confirmed samples and non-digit refusals must not drop beyond noise; MNIST validation within 0.1 point', () => {
    expect(decide(figures({ confirmed: t(60, 60, 55, 0, 5) }))).toMatchObject({ promote: false, reason: expect.stringMatching(/confirmed held-back samples worse.*5 broken.*p = 0\.031/) });
    // 1 of 200 broken is noise and within 2 points; 2 of 47 are noise too; 3 of 47 (p = 0.125) lose more than 2 samples and 2 points
    expect(decide(figures({ confirmed: t(200, 200, 199, 0, 1) })).promote).toBe(true);
    expect(decide(figures({ confirmed: t(47, 47, 45, 0, 2) })).promote).toBe(true);
    expect(decide(figures({ confirmed: t(47, 47, 44, 0, 3) })).promote).toBe(false);
    expect(decide(figures({ confirmed: t(300, 290, 284, 0, 6) })).promote).toBe(false);
    expect(decide(figures({ refusals: t(460, 450, 440, 0, 10) }))).toMatchObject({ promote: false, reason: expect.stringMatching(/refuses fewer non-digit marks/) });
    expect(decide(figures({ refusals: t(460, 450, 449, 1, 2) })).promote).toBe(true);
    expect(decide(figures({ mnist: t(8000, 7950, 7941, 10, 19) }))).toMatchObject({ promote: false, reason: expect.stringMatching(/forgets MNIST.*MNIST validation 99\.38% → 99\.26%/) });
    expect(decide(figures({ mnist: t(8000, 7950, 7942, 10, 18) })).promote).toBe(true);
    expect(decide(figures({ crops: t(1000, 930, 910, 0, 20) }))).toMatchObject({ promote: false, reason: expect.stringMatching(/reads marks worse/) });
  });

  it('the rules that need no gain measured: a harm reason exactly when decide rejects for it, whatever the corrected samples say', () => {
    expect(harmReason(figures({}))).toBeNull();
    for (const g of [figures({ mnist: t(8000, 7950, 7941, 10, 19) }), figures({ crops: t(1000, 930, 910, 0, 20) }), figures({ confirmed: t(300, 300, 280, 0, 20) })]) {
      const harm = harmReason(g);
      expect(harm).not.toBeNull();
      expect(decide(g).reason).toBe(`rejected: ${harm}`);
      // a gain on the corrections does not outweigh it (the cross-fitting is not run for such a candidate)
      g.crossFit = { folds: 2, corrected: t(40, 0, 40, 40), correctedByUser: { a: t(20, 0, 20, 20), b: t(20, 0, 20, 20) }, confirmed: t(300, 300, 300, 0) };
      expect(decide(g).reason).toBe(`rejected: ${harm}`);
    }
  });

  it('cross-fitting: the gain counts every correction not trained on, the one-user rule applies to all of them, and the candidate must not read its own held-back ones worse', () => {
    // 5 held-back corrected samples alone are too few (and one user's)
    const g = figures({ fixedEach: [3] });
    expect(decide(g)).toMatchObject({ promote: false, reason: expect.stringMatching(/too few held-back corrected/) });
    // with 20 cross-fitted corrections of four users (11 fixed, 1 broken) the gain is measured: 14 fixed, 1 broken in all
    const byUser = { user0: t(5, 0, 3, 3), user1: t(5, 0, 3, 3), user2: t(5, 1, 3, 3, 1), user3: t(5, 0, 2, 2) };
    g.crossFit = { folds: 2, corrected: addPaired(...Object.values(byUser)), correctedByUser: byUser, confirmed: t(300, 300, 296, 0, 4) };
    const d = decide(g);
    expect(d.promote).toBe(true);
    expect(d.reason).toMatch(/^promoted: corrected, held back \+ cross-fitted 4\.00% → 56\.00% \(25; 14 fixed, 1 broken\)/);
    // a user's held-back and cross-fitted samples count as one user: all of user0's fixes removed, the rest is noise
    const one = figures({ fixedEach: [5] });
    one.crossFit = { folds: 2, corrected: addPaired(t(20, 0, 18, 18), t(6, 0, 2, 2)), correctedByUser: { user0: t(20, 0, 18, 18), other: t(6, 0, 2, 2) }, confirmed: t(300, 300, 300, 0) };
    expect(decide(one)).toMatchObject({ promote: false, reason: expect.stringMatching(/rests on one user/) });
    expect(withoutTopUser(evidence(one)).user).toBe('user0');
    // the folds gain, but the candidate itself breaks more held-back corrections than it fixes
    const worse = figures({ fixedEach: [0, 0] });
    worse.correctedByUser = { user0: t(5, 2, 1, 0, 1), user1: t(5, 1, 0, 0, 1) };
    worse.corrected = addPaired(...Object.values(worse.correctedByUser));
    const many = Object.fromEntries(Array.from({ length: 6 }, (_, u) => [`user${u}`, t(6, 0, 4, 4)]));
    worse.crossFit = { folds: 2, corrected: addPaired(...Object.values(many)), correctedByUser: many, confirmed: t(300, 300, 300, 0) };
    expect(decide(worse)).toMatchObject({ promote: false, reason: expect.stringMatching(/reads its held-back corrected samples worse/) });
    // the report shows both parts
    expect(gateLines(g).map((l) => l.name)).toEqual([
      'MNIST validation (never test)', 'Corrected, held back + cross-fitted (4 users)', 'Held-back corrected (the candidate)', 'Cross-fitted corrected (2 folds)', 'Cross-fitted confirmed (2 folds)', 'Held-back confirmed',
    ]);
  });

  it('cross-fitting folds: seeded, disjoint, every training sample in one, corrected ones dealt out evenly; none when off or too few corrections', () => {
    const n = 50;
    const corrected = Array.from({ length: n }, (_, i) => i % 5 === 0);
    const users: UserSamples = { data: { images: new Float32Array(n * IMAGE_SIZE), labels: new Uint8Array(n), n }, users: Array.from({ length: n }, () => 'u'), corrected };
    const folds = crossFitPlan(users, { crossFitFolds: 2, seed: 1 });
    expect(folds).toHaveLength(2);
    expect([...folds[0]!, ...folds[1]!].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(folds.map((f) => f.filter((i) => corrected[i]).length)).toEqual([5, 5]);
    expect(folds.map((f) => f.length)).toEqual([25, 25]);
    expect(crossFitPlan(users, { crossFitFolds: 2, seed: 1 })).toEqual(folds);
    expect(crossFitPlan(users, { crossFitFolds: 2, seed: 2 })).not.toEqual(folds);
    expect(crossFitPlan(users, { crossFitFolds: 3, seed: 1 }).map((f) => f.filter((i) => corrected[i]).length).sort()).toEqual([3, 3, 4]);
    expect(crossFitPlan(users, { crossFitFolds: 0, seed: 1 })).toEqual([]);
    const few = { ...users, corrected: corrected.map((c, i) => c && i < 25) };
    expect(crossFitPlan(few, { crossFitFolds: 2, seed: 1 })).toEqual([]);
  });

  it('lists every figure with its counts for the report', () => {
    const lines = gateLines(figures({ refusals: t(460, 450, 450, 0), crops: t(1500, 1400, 1410, 12, 2) }));
    expect(lines.map((l) => l.name)).toEqual(['MNIST validation (never test)', 'Held-back corrected (4 users)', 'Held-back confirmed', 'Not-a-digit refusals (gate crops)', 'Gate crops (digits and not-digits)']);
    expect(lines[1]!.value).toMatch(/\(20; 12 fixed, 0 broken\); gain p < 0\.001, without the top user p = 0\.002/);
  });
});

describe('the training mix', () => {
  const img = (v: number) => new Float32Array(IMAGE_SIZE).fill(v);
  const mnist = toDataset(Array.from({ length: 100 }, (_, i) => ({ image: img(i / 100), label: i % 10 })));
  const user = toDataset([{ image: img(1), label: 3 }, { image: img(1), label: 4 }]);

  it('user samples are repeated to about their share, copies after the first distorted, the replay plain', () => {
    expect(userRepeats(2, 100, 0.2, 20)).toBe(13);
    expect(userRepeats(2, 100, 0.2, 5)).toBe(5);
    expect(userRepeats(500, 100, 0.2, 20)).toBe(1);
    expect(userRepeats(0, 100, 0.2, 20)).toBe(0);
    const mix = mixTrainingSet({ data: user, users: ['a', 'b'] }, mnist, { replay: 40, userShare: 0.2, maxRepeats: 20, userCap: 1, augment: { affine: true, elastic: false }, seed: 1 });
    expect(mix.replay).toBe(40);
    expect(mix.repeats).toBe(5);
    expect(mix.train.n).toBe(40 + 2 * 5);
    // the replay images are MNIST's, unchanged and distinct
    const firsts = new Set<number>();
    for (let i = 0; i < 40; i++) firsts.add(mix.train.images[i * IMAGE_SIZE]!);
    expect(firsts.size).toBe(40);
    // first user copies verbatim, later copies distorted (a plain white image loses its corners when shifted or rotated)
    expect(mix.train.images.subarray(40 * IMAGE_SIZE, 42 * IMAGE_SIZE).every((v) => v === 1)).toBe(true);
    expect(mix.train.images.subarray(42 * IMAGE_SIZE, 43 * IMAGE_SIZE).some((v) => v < 1)).toBe(true);
    expect([...mix.train.labels.subarray(40)].sort()).toEqual([3, 3, 3, 3, 3, 4, 4, 4, 4, 4]);
  });

  it('randomSubset draws without replacement and is seeded', () => {
    const a = randomSubset(mnist, 30, new Rng(5));
    const b = randomSubset(mnist, 30, new Rng(5));
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(b.images.buffer))).toBe(true);
    expect(new Set(Array.from({ length: 30 }, (_, i) => a.images[i * IMAGE_SIZE])).size).toBe(30);
    expect(randomSubset(mnist, 500, new Rng(5)).n).toBe(100);
  });

  it('rejects bad samples clearly', () => {
    expect(() => toDataset([{ image: new Float32Array(10), label: 1 }])).toThrow(/784/);
    expect(() => toDataset([{ image: img(0), label: 12 }])).toThrow(/label 12/);
    // "not a digit" is a label too
    expect(toDataset([{ image: img(0), label: 10 }]).labels[0]).toBe(10);
  });
});

describe('configuration and names', () => {
  it('RETRAIN_* variables: defaults, validation, off', () => {
    const c = loadConfig({ DISCORD_TOKEN: 't' }).retrain;
    expect(c).toMatchObject({ cron: '30 3 * * *', minSamples: 100, mode: 'finetune', epochs: 4, replay: 50_000, threads: 1, nice: 10, keepModels: 5 });
    expect(loadConfig({ DISCORD_TOKEN: 't', RETRAIN_CRON: 'off' }).retrain.cron).toBeNull();
    expect(() => loadConfig({ DISCORD_TOKEN: 't', RETRAIN_CRON: 'every night' })).toThrow(/RETRAIN_CRON must be a cron expression/);
    expect(() => loadConfig({ DISCORD_TOKEN: 't', RETRAIN_NICE: '25' })).toThrow(/RETRAIN_NICE/);
    const s = settingsFromConfig(loadConfig({ DISCORD_TOKEN: 't', RETRAIN_EPOCHS: '2', RETRAIN_REPLAY: '500' }).retrain);
    expect(s('finetune')).toMatchObject({ mode: 'finetune', epochs: 2, replay: 500 });
    expect(s('full').epochs).toBeGreaterThan(2);
  });

  it('candidate names sort by time and carry the run id', () => {
    expect(candidateName(new Date('2026-12-01T03:15:07.123Z'), 12)).toBe('retrain-20261201-031507-r12');
  });
});

describe('/retrain replies', () => {
  it('progress and outcome', () => {
    expect(formatRetrainProgress({ stage: 'training', epoch: 2, epochs: 4, done: 50, total: 100 }, 'finetune').description).toMatch(/Epoch 2\/4 █████░░░░░ 50%/);
    const base = { candidate: 'b', mnistBefore: 0.99, mnistAfter: 0.95, mnistImages: 8_000, holdoutBefore: 0.5, holdoutAfter: 0.9, holdoutCount: 80, userSamples: 10, selectionSamples: 2, largestUserShare: 0.25, repeats: 2, replay: 100, epochsRun: 2, bestEpoch: 1, trainSeconds: 10 };
    const e = formatRetrainReport({
      status: 'rejected', runId: 3, reason: 'rejected: forgets MNIST', parent: 'a', candidate: 'b', samples: 10, newSamples: 4, seconds: 12,
      figures: { ...base, gate: figures({ mnist: t(8000, 7920, 7600, 0, 320) }) },
    });
    expect(e.title).toMatch(/rejected/);
    const text = JSON.stringify(e.fields);
    expect(text).toContain('MNIST validation (never test)');
    expect(text).toContain('99.00% → 95.00% (8000; 0 fixed, 320 broken)');
    expect(text).toContain('Held-back corrected (4 users)');
    expect(text).toContain('2 set aside to pick the epoch; largest user 25%');
    expect(text).not.toMatch(/MNIST test|Gate crops/);
    const eleven = formatRetrainReport({
      status: 'rejected', runId: 4, reason: 'rejected: reads marks worse', parent: 'a', candidate: 'b', samples: 10, newSamples: 4, seconds: 12,
      figures: { ...base, gate: figures({ crops: t(10_000, 9644, 9482, 10, 172) }) },
    });
    expect(JSON.stringify(eleven.fields)).toContain('96.44% → 94.82%');
    expect(formatRetrainReport({ status: 'busy', runId: null, reason: 'x', parent: null, candidate: null, figures: null, samples: 0, newSamples: 0, seconds: 0 }).fields).toEqual([]);
  });
});

describe('training mix of an 11-class model', () => {
  it('replays all of its crops beside the MNIST replay and the users', () => {
    const ds = (n: number, label: number) => ({ images: new Float32Array(n * IMAGE_SIZE), labels: new Uint8Array(n).fill(label), n });
    const mix = mixTrainingSet({ data: ds(20, 3), users: Array.from({ length: 20 }, (_, i) => `u${i % 5}`) }, ds(500, 1), { replay: 100, userShare: 0.2, maxRepeats: 4, userCap: 0.25, augment: null, seed: 1, crops: ds(40, 10) });
    expect(mix.crops).toBe(40);
    expect(mix.replay).toBe(100);
    expect(mix.train.labels.filter((l) => l === 10)).toHaveLength(40);
    expect(mix.train.n).toBe(100 + 40 + 20 * mix.repeats);
  });

  it('noneCropCopies repeats the replayed "not a digit" crops only, the extra copies distorted', () => {
    const ds = (n: number, label: number, v = 0) => ({ images: new Float32Array(n * IMAGE_SIZE).fill(v), labels: new Uint8Array(n).fill(label), n });
    // 30 crops of digits (2) and 10 of "not a digit", each a bright square that a distortion moves
    const crops = concatDatasets(ds(30, 2), ds(10, 10));
    for (let i = 0; i < 40; i++) for (let p = 300; p < 480; p++) crops.images[i * IMAGE_SIZE + p] = 1;
    const o = { replay: 100, userShare: 0.2, maxRepeats: 4, userCap: 1, augment: { affine: true, elastic: false }, seed: 1, crops };
    const user = { data: ds(5, 3), users: ['a', 'a', 'a', 'a', 'a'] };
    const one = mixTrainingSet(user, ds(500, 1), o);
    const three = mixTrainingSet(user, ds(500, 1), { ...o, noneCropCopies: 3 });
    const count = (m: typeof one, l: number) => m.train.labels.filter((x) => x === l).length;
    expect(count(one, 10)).toBe(10);
    expect(count(three, 10)).toBe(30);
    expect(count(three, 2)).toBe(30);
    expect(three.crops).toBe(60);
    // the 20 extra copies are not the plain crop again
    const plain = crops.images.subarray(30 * IMAGE_SIZE, 31 * IMAGE_SIZE);
    const copies = Array.from(three.train.labels.keys()).filter((i) => three.train.labels[i] === 10).map((i) => three.train.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE));
    expect(copies.filter((c) => c.every((v, p) => v === plain[p])).length).toBe(10);
  });

  it('correctedWeight: a corrected sample gets that many times the copies of a confirmed one', () => {
    const ds = (n: number, label: number) => ({ images: new Float32Array(n * IMAGE_SIZE), labels: new Uint8Array(n).fill(label), n });
    // 8 confirmed 1s and 2 corrected 7s of one user
    const data = concatDatasets(ds(8, 1), ds(2, 7));
    const user = { data, users: Array.from({ length: 10 }, () => 'a'), corrected: [...Array.from({ length: 8 }, () => false), true, true] };
    const o = { replay: 1000, userShare: 0.2, maxRepeats: 3, userCap: 1, augment: null, seed: 1 };
    const even = mixTrainingSet(user, ds(1000, 0), o);
    const weighted = mixTrainingSet(user, ds(1000, 0), { ...o, correctedWeight: 4 });
    const count = (m: typeof even, l: number) => m.train.labels.filter((x) => x === l).length;
    expect([count(even, 1), count(even, 7)]).toEqual([24, 6]);
    expect([count(weighted, 1), count(weighted, 7)]).toEqual([24, 24]);
    // without the flags nothing is weighted
    expect(count(mixTrainingSet({ data, users: user.users }, ds(1000, 0), { ...o, correctedWeight: 4 }), 7)).toBe(6);
  });
});

describe('the users\' part of a retrain (retrainData)', () => {
  const sample = (id: number, o: Partial<Sample>): Sample => ({
    id, predictionId: id, position: 0, kind: 'read', userId: 'u', createdAt: '', image: new Float32Array(IMAGE_SIZE), predicted: 3, confidence: 0.9, pNone: 0.01,
    box: null, label: 3, trusted: true, held: false, assignment: 'single', labelledBy: 'u', split: 'train', usedInRun: null, guided: false, ...o,
  });
  it('flags the corrected samples on both sides (a dropped mark was answered "not a digit"); a 10-class model gets no "not a digit" ones', () => {
    const train = [sample(1, {}), sample(2, { label: 7 }), sample(3, { kind: 'candidate', label: 10 }), sample(4, { kind: 'candidate', label: 5 })];
    const held = [sample(5, { label: 10 }), sample(6, {})];
    const eleven = retrainData(train, held, 11);
    expect(eleven.userTrain.corrected).toEqual([false, true, false, true]);
    expect(eleven.holdout.corrected).toEqual([true, false]);
    const ten = retrainData(train, held, 10);
    expect(Array.from(ten.userTrain.data.labels)).toEqual([3, 7, 5]);
    expect(ten.userTrain.corrected).toEqual([false, true, true]);
    expect(ten.holdout.corrected).toEqual([false]);
  });
});

describe('the per-user share cap', () => {
  const ds = (n: number, label = 3) => ({ images: new Float32Array(n * IMAGE_SIZE), labels: new Uint8Array(n).fill(label), n });
  it('cappedCopies: no user above the cap of all users\' copies; with few users, of the user part the mix aims at', () => {
    // a flood of 1,000 against three users of 50: the flood is cut to a quarter of the total
    const c = cappedCopies([1000, 50, 50, 50], 0.25, 200);
    expect(c.slice(1)).toEqual([50, 50, 50]);
    expect(c[0]! / c.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(0.25);
    expect(c[0]).toBeGreaterThanOrEqual(49);
    // everyone below the cap: unchanged
    expect(cappedCopies([10, 10, 10, 10, 10], 0.25, 20)).toEqual([10, 10, 10, 10, 10]);
    // one user alone, or two alike (too few for a quarter each), get at most a quarter of the user part a full mix would have
    expect(cappedCopies([500], 0.25, 400)).toEqual([100]);
    expect(cappedCopies([500, 500], 0.25, 400)).toEqual([100, 100]);
    // three users cannot each stay under a quarter: the flood gets a quarter of the target
    expect(cappedCopies([50, 50, 1000], 0.25, 400)).toEqual([50, 50, 100]);
    expect(cappedCopies([500], 1, 400)).toEqual([500]);
  });

  it('in the training mix: a flooding user is subsampled to the cap, the others keep all their copies', () => {
    const flood = 400;
    // eight honest users of 40 samples each and one flooder
    const users = [...Array.from({ length: flood }, () => 'flooder'), ...Array.from({ length: 320 }, (_, i) => `honest${i % 8}`)];
    const data = concatDatasets(ds(flood, 7), ds(320, 1));
    const mix = mixTrainingSet({ data, users }, ds(2000, 0), { replay: 2000, userShare: 0.2, maxRepeats: 20, userCap: 0.25, augment: null, seed: 2 });
    const sevens = mix.train.labels.filter((l) => l === 7).length;
    const ones = mix.train.labels.filter((l) => l === 1).length;
    expect(sevens / (sevens + ones)).toBeLessThanOrEqual(0.25);
    expect(sevens / (sevens + ones)).toBeGreaterThan(0.24);
    expect(sevens).toBeGreaterThan(0);
    expect(ones).toBe(320 * mix.repeats);
    expect(mix.perUser.find((u) => u.user === 'flooder')).toEqual({ user: 'flooder', samples: flood, copies: sevens });
    // the flooder alone: at most a quarter of the user part the mix aims at (500 copies: a fifth of the mix)
    const alone = mixTrainingSet({ data: ds(flood, 7), users: users.slice(0, flood) }, ds(2000, 0), { replay: 2000, userShare: 0.2, maxRepeats: 20, userCap: 0.25, augment: null, seed: 2 });
    expect(alone.train.labels.filter((l) => l === 7).length).toBe(125);
    // without the cap the flood would be more than half of the users' copies
    const open = mixTrainingSet({ data, users }, ds(2000, 0), { replay: 2000, userShare: 0.2, maxRepeats: 20, userCap: 1, augment: null, seed: 2 });
    expect(open.train.labels.filter((l) => l === 7).length).toBe(flood * open.repeats);
  });

  it('best-epoch selection sets aside a seeded slice of the users\' samples that the run does not train on', () => {
    const data = toDataset(Array.from({ length: 40 }, (_, i) => ({ image: new Float32Array(IMAGE_SIZE).fill(i / 40), label: i % 10 })));
    const { fit, select } = selectionSplit({ data, users: Array.from(data.labels, String) }, 0.15, 1);
    expect(select.data.n).toBe(6);
    expect(fit.data.n).toBe(34);
    const seen = (d: { images: Float32Array; n: number }) => new Set(Array.from({ length: d.n }, (_, i) => d.images[i * IMAGE_SIZE]));
    const f = seen(fit.data);
    expect([...seen(select.data)].some((v) => f.has(v))).toBe(false);
    expect(selectionSplit({ data: subset(data, 0, 4), users: ['a', 'b', 'c', 'd'] }, 0.15, 1).select.data.n).toBe(0);
  });

  it('an 11-class model\'s replayed crops give the best-epoch selection a slice of their own, not trained on', () => {
    const crops = toDataset(Array.from({ length: 100 }, (_, i) => ({ image: new Float32Array(IMAGE_SIZE).fill(i / 100), label: i % 11 })));
    const { fit, select } = cropsSelectionSplit(crops, 0.15);
    expect([fit.n, select.n]).toEqual([85, 15]);
    const seen = (d: { images: Float32Array; n: number }) => new Set(Array.from({ length: d.n }, (_, i) => d.images[i * IMAGE_SIZE]));
    const f = seen(fit);
    expect([...seen(select)].some((v) => f.has(v))).toBe(false);
    // the selection set holds the MNIST validation images, the users' slice and the crops' slice
    const mnist = toDataset(Array.from({ length: 30 }, () => ({ image: new Float32Array(IMAGE_SIZE), label: 1 })));
    const users = toDataset(Array.from({ length: 5 }, () => ({ image: new Float32Array(IMAGE_SIZE), label: 2 })));
    const v = validationSet(mnist, 20, users, select);
    expect(v.n).toBe(40);
    expect(Array.from(v.labels.subarray(25))).toEqual(Array.from(select.labels));
    expect(validationSet(mnist, 20, users).n).toBe(25);
    expect(cropsSelectionSplit(subset(crops, 0, 10), 0.15).select.n).toBe(0);
  });
});
