/**
 * The retrain job end to end (in process, a real fine-tune of a small MLP): learning a style MNIST
 * lacks gets promoted; poisoned labels are rejected and change nothing; a candidate that fails to
 * load keeps the old model; never two at once.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, mnistDir, type MnistSplits } from '../../src/data/mnist.ts';
import { silentLogger } from '../../src/log.ts';
import { readManifest } from '../../src/model/format.ts';
import { activeModelName } from '../../src/model/registry.ts';
import type { Model } from '../../src/model/model.ts';
import { inProcessTrainer, type CandidateTrainer } from '../../src/retrain/fork.ts';
import { Retrainer } from '../../src/retrain/job.ts';
import { LOCK_FILE } from '../../src/retrain/lock.ts';
import { harmReason } from '../../src/retrain/gate.ts';
import { readVerdict } from '../../src/retrain/versions.ts';
import { activeWeights, addSamples, answeredBy, BASE, copyTrainer, image, slanted, smallSettings, trainBase, workspace, type NewSample, type Workspace } from './helpers.ts';

let template: string;
let data: MnistSplits;
let ws: Workspace;
/** a folder with MNIST's training files only: a trainer that read the test set would fail */
let trainOnly: string;
/** the real in-process trainer, reading MNIST from `trainOnly` */
const noTestSet: CandidateTrainer = (job, hooks, signal) => inProcessTrainer({ ...job, mnistDir: trainOnly }, hooks, signal);

beforeAll(async () => {
  template = await mkdtemp(join(tmpdir(), 'digit-bot-retrain-template-'));
  await mkdir(join(template, 'models'));
  await trainBase(join(template, 'models'));
  data = await loadMnist();
  trainOnly = join(template, 'mnist-train-only');
  await mkdir(trainOnly);
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) await symlink(join(mnistDir(), f), join(trainOnly, f));
});
afterAll(async () => {
  await rm(template, { recursive: true, force: true });
});
afterEach(async () => {
  await ws?.close();
});

function retrainer(trainer: CandidateTrainer = inProcessTrainer, promoted: Model[] = []): Retrainer {
  return new Retrainer({
    store: ws.store,
    modelsDir: ws.modelsDir,
    settings: smallSettings,
    trainer,
    keepModels: 3,
    log: silentLogger,
    onPromoted: (m) => void promoted.push(m),
  });
}

/** 400 images from the end of MNIST's training file (never replayed first) labelled by 8 users, every fifth held back. */
function styleSamples(draw: (i: number) => Float32Array): NewSample[] {
  return Array.from({ length: 400 }, (_, k) => ({ image: draw(40_000 + k), label: data.train.labels[40_000 + k]!, split: k % 5 === 0 ? 'holdout' : 'train', user: `u${k % 8}` }));
}

describe('retraining on users’ samples', () => {
  it('a style MNIST lacks (strongly slanted digits): held-back corrected accuracy improves beyond noise, the candidate is promoted with its lineage; the MNIST test set is never read', async () => {
    ws = await workspace(join(template, 'models'));
    // what the active model answered: the samples it got wrong are the corrected ones
    const style = await answeredBy(ws.modelsDir, styleSamples((i) => slanted(data.train, i)));
    await addSamples(ws.store, style);
    // untrusted samples are never used
    await addSamples(ws.store, [{ image: image(data.train, 1), label: 3, split: 'train', trusted: false }]);
    // every fifth held back when stored, and some corrections of the others when labelled; confirmations stay where they were stored
    const trained = (await ws.store.samples.labelled({ split: 'train' })).length;
    const heldBack = (await ws.store.samples.labelled({ split: 'holdout' })).length;
    const storedHeldBack = style.filter((s) => s.split === 'holdout');
    expect(trained + heldBack).toBe(400);
    expect(heldBack).toBeGreaterThan(storedHeldBack.length);
    expect(await ws.store.samples.waitingCount()).toBe(trained);
    const promoted: Model[] = [];
    const progress: string[] = [];
    const r = await retrainer(noTestSet, promoted).run({ trigger: 'cli', onProgress: (p) => progress.push(p.stage) });

    expect(r.reason).toMatch(/^promoted/);
    expect(r.status).toBe('promoted');
    const f = r.figures!;
    expect(f.holdoutCount).toBe(heldBack);
    expect(r.samples).toBe(trained);
    expect(f.holdoutAfter! - f.holdoutBefore!).toBeGreaterThan(0.15);
    expect(f.mnistAfter).toBeGreaterThanOrEqual(f.mnistBefore - 0.001);
    // the gate's figures: MNIST validation images past the 1,000 the epoch is picked on; corrected and confirmed split; 8 users
    expect(f.gate.mnist.n).toBe(8_000);
    // both read against the true labels (a reading must never overwrite them): the small MLP gets some wrong
    expect(f.gate.mnist.before).toBeLessThan(7_900);
    expect(f.gate.mnist.before).toBeGreaterThan(7_000);
    expect(f.gate.corrected.n + f.gate.confirmed.n).toBe(heldBack);
    expect(f.gate.confirmed.n).toBe(storedHeldBack.filter((s) => s.label === s.predicted).length);
    // about a third of the corrections held back (a fifth when stored, a sixth of the rest when labelled)
    const corrections = style.filter((s) => s.label !== s.predicted).length;
    expect(f.gate.corrected.n / corrections).toBeGreaterThan(0.25);
    expect(f.gate.corrected.n / corrections).toBeLessThan(0.42);
    expect(f.gate.corrected.n).toBeGreaterThanOrEqual(10);
    expect(f.gate.corrected.fixed).toBeGreaterThan(f.gate.corrected.broken + 5);
    // cross-fitted: every training sample read by the one of two fold runs that did not train on it,
    // so the gain is measured on all corrections
    const x = f.gate.crossFit!;
    expect(x.folds).toBe(2);
    expect(x.corrected.n + x.confirmed.n).toBe(trained);
    expect(x.corrected.n + f.gate.corrected.n).toBe(corrections);
    expect(x.corrected.fixed).toBeGreaterThan(x.corrected.broken + 10);
    expect(Object.keys(f.gate.correctedByUser).length).toBeGreaterThan(4);
    const selection = Math.round(0.15 * trained);
    expect(f.selectionSamples).toBe(selection);
    expect(f.userSamples).toBe(trained - selection);
    expect(f.largestUserShare).toBeLessThanOrEqual(0.25);
    expect(progress).toEqual(expect.arrayContaining(['starting', 'loading', 'training', 'measuring', 'saving', 'deciding']));

    // promoted: the pointer moved, the bot got the loaded model, lineage is in the manifest
    expect(await activeModelName(ws.modelsDir)).toBe(r.candidate);
    expect(promoted.map((m) => m.name)).toEqual([r.candidate]);
    const m = await readManifest(join(ws.modelsDir, r.candidate!));
    expect(m.parent).toBe(BASE);
    expect(m.training).toMatchObject({ retrain: true, run: r.runId, trigger: 'cli', data: { userSamples: trained - selection, selectionSamples: selection, heldBack } });
    expect(m.metrics.holdoutAccuracy).toBeCloseTo(f.holdoutAfter!, 6);
    // the test figure is measured once, when a model is trained from scratch; a retrain never measures it
    expect(m.metrics.testAccuracy).toBeNull();
    expect((await readVerdict(ws.modelsDir, r.candidate!))?.status).toBe('promoted');

    // recorded: the run with its figures, the samples as used, the model as active
    const run = (await ws.store.retrainRuns.latest())!;
    expect(run).toMatchObject({ status: 'promoted', trigger: 'cli', parentModel: BASE, candidateModel: r.candidate, samplesUsed: trained });
    expect(run.holdoutAfter).toBeCloseTo(f.holdoutAfter!, 6);
    expect(run.mnistBefore).toBeCloseTo(f.mnistBefore, 6);
    expect(await ws.store.samples.waitingCount()).toBe(0);
    expect((await ws.store.models.active())?.name).toBe(r.candidate);
  });

  it('poisoning: one user’s 200 images of a 1 labelled 7 are rejected by the gate and the active model is unchanged', async () => {
    ws = await workspace(join(template, 'models'));
    const ones: NewSample[] = [];
    for (let i = 40_000; ones.length < 200; i++) {
      if (data.train.labels[i] === 1) ones.push({ image: image(data.train, i), label: 7, split: ones.length % 5 === 0 ? 'holdout' : 'train', user: 'poisoner', predicted: 1 });
    }
    await addSamples(ws.store, ones);
    const before = await activeWeights(ws.modelsDir, BASE);
    const promoted: Model[] = [];
    const r = await retrainer(noTestSet, promoted).run({ trigger: 'command', requestedBy: '1234' });

    expect(r.status).toBe('rejected');
    // it did learn some of the poison: held-back poisoned samples "fixed", all of them one user's
    const g = r.figures!.gate;
    expect(g.corrected.fixed).toBeGreaterThan(0);
    expect(Object.keys(g.correctedByUser)).toEqual(['poisoner']);
    // the cap left the flood a quarter of the user part a full mix aims at: the gate sees no gain, or a gain resting on one user, or forgetting
    expect(r.reason).toMatch(/no gain beyond noise|rests on one user|forgets MNIST|confirmed/);
    // rejected for harm (forgetting, confirmed samples read worse): the cross-fitting's runs were not made
    const harm = harmReason(g);
    const trained = (await readManifest(join(ws.modelsDir, r.candidate!))).training as { data?: { crossFitSkipped?: number } };
    if (harm !== null) {
      expect(r.reason).toBe(`rejected: ${harm}`);
      expect(g.crossFit).toBeNull();
      expect(trained.data?.crossFitSkipped).toBe(2);
    } else expect(trained.data?.crossFitSkipped).toBe(0);
    expect(await activeModelName(ws.modelsDir)).toBe(BASE);
    expect(promoted).toEqual([]);
    expect(Buffer.from((await activeWeights(ws.modelsDir, BASE)).buffer).equals(Buffer.from(before.buffer))).toBe(true);
    // kept aside with the reason, and recorded
    expect(await readVerdict(ws.modelsDir, r.candidate!)).toMatchObject({ status: 'rejected', reason: r.reason });
    expect(await ws.store.retrainRuns.latest()).toMatchObject({ status: 'rejected', requestedBy: '1234', reason: r.reason });
    expect((await ws.store.models.get(r.candidate!))?.status).toBe('rejected');
    // the samples count as seen: the schedule waits for new ones
    expect(await ws.store.samples.waitingCount()).toBe(0);
  });

  it('a candidate whose file is corrupt never replaces the working model', async () => {
    ws = await workspace(join(template, 'models'));
    await addSamples(ws.store, styleSamples((i) => image(data.train, i)).slice(0, 30));
    const corrupt = copyTrainer({ holdoutAfter: 0.9 }, async (dir) => {
      const w = join(dir, 'weights.bin');
      const bytes = await readFile(w);
      bytes[100] ^= 0xff;
      await writeFile(w, bytes);
    });
    const promoted: Model[] = [];
    const r = await retrainer(corrupt, promoted).run({ trigger: 'cli' });
    expect(corrupt.calls).toBe(1);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/failed to load.*checksum/);
    expect(await activeModelName(ws.modelsDir)).toBe(BASE);
    expect(promoted).toEqual([]);
    expect(await ws.store.retrainRuns.latest()).toMatchObject({ status: 'failed' });
    // a failed run does not use up the samples
    expect(await ws.store.samples.waitingCount()).toBeGreaterThan(0);
  });

  it('never two at once: in this process, and against a lock held by another live process', async () => {
    ws = await workspace(join(template, 'models'));
    await addSamples(ws.store, styleSamples((i) => image(data.train, i)).slice(0, 30));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = copyTrainer({}, () => gate);
    const rt = retrainer(slow);
    const first = rt.run({ trigger: 'cli' });
    const second = await rt.run({ trigger: 'command' });
    expect(second.status).toBe('busy');
    expect(rt.running).toBe(true);
    release();
    expect((await first).status).toBe('promoted');
    expect(slow.calls).toBe(1);

    // another process (our parent, alive) holds the lock file
    await writeFile(join(ws.modelsDir, LOCK_FILE), JSON.stringify({ pid: process.ppid, startedAt: 'earlier', what: 'cli retrain' }));
    const third = await retrainer(slow).run({ trigger: 'cron' });
    expect(third.status).toBe('busy');
    expect(third.reason).toContain(String(process.ppid));
    // a stale lock (its process is gone) is taken over
    await writeFile(join(ws.modelsDir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: 'earlier', what: 'crashed' }));
    await addSamples(ws.store, styleSamples((i) => image(data.train, i)).slice(30, 40));
    expect((await retrainer(slow).run({ trigger: 'cron' })).status).toBe('promoted');
    expect(slow.calls).toBe(2);
  });

  it('with no trusted samples there is nothing to do, and nothing is recorded', async () => {
    ws = await workspace(join(template, 'models'));
    const t = copyTrainer({});
    const r = await retrainer(t).run({ trigger: 'command' });
    expect(r.status).toBe('skipped');
    expect(t.calls).toBe(0);
    expect(await ws.store.retrainRuns.latest()).toBeNull();
  });
});
