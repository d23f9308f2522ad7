/** Model versions (promote, rollback, prune, list), the hot-swap watch, and the schedule's rule. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelHolder } from '../../src/bot/modelHolder.ts';
import { silentLogger } from '../../src/log.ts';
import { activeModelName, loadActiveModel, setActiveModel } from '../../src/model/registry.ts';
import { watchActiveModel } from '../../src/retrain/hotSwap.ts';
import { Retrainer } from '../../src/retrain/job.ts';
import { scheduleRetrain } from '../../src/retrain/scheduler.ts';
import { HISTORY_FILE, listVersions, promote, pruneModels, readHistory, rollback } from '../../src/retrain/versions.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { addSamples, copyTrainer, saveTinyModel, smallSettings } from './helpers.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'digit-bot-models-'));
  await saveTinyModel(dir, 'a', { createdAt: '2026-01-01T00:00:00Z' });
  await setActiveModel(dir, 'a');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('model versions', () => {
  it('promote is load-checked and logged; rollback goes back through the history, then to the parent', async () => {
    await saveTinyModel(dir, 'b', { parent: 'a', retrain: true });
    await saveTinyModel(dir, 'c', { parent: 'b', retrain: true });
    expect(await promote(dir, 'b', 'test')).toEqual({ previous: 'a' });
    await promote(dir, 'c', 'test');
    expect((await readHistory(dir)).map((e) => `${e.kind}:${e.previous}->${e.model}`)).toEqual(['promote:a->b', 'promote:b->c']);
    expect(await rollback(dir, 'cli')).toEqual({ from: 'c', to: 'b' });
    expect(await rollback(dir, 'cli')).toEqual({ from: 'b', to: 'a' });
    await expect(rollback(dir, 'cli')).rejects.toThrow(/nothing to roll back to/);
    expect(await activeModelName(dir)).toBe('a');

    // a model that does not load is never made active
    await saveTinyModel(dir, 'broken');
    await writeFile(join(dir, 'broken', 'weights.bin'), Buffer.alloc(10));
    await expect(promote(dir, 'broken', 'test')).rejects.toThrow(/weights/);
    expect(await activeModelName(dir)).toBe('a');
    const list = await listVersions(dir);
    expect(list.find((v) => v.active)?.name).toBe('a');
    expect(list.map((v) => v.name).sort()).toEqual(['a', 'b', 'broken', 'c']);
  });

  it('prune keeps the newest retrained models, the active one and its rollback chain; never other models', async () => {
    for (let i = 1; i <= 6; i++) await saveTinyModel(dir, `r${i}`, { retrain: true, createdAt: `2026-02-0${i}T00:00:00Z` });
    await promote(dir, 'r1', 'test');
    await promote(dir, 'r2', 'test');
    const removed = await pruneModels(dir, 2);
    // kept: r2 (active), r1 and a (rollback chain), r6 and r5 (newest); removed: r3, r4
    expect(removed.sort()).toEqual(['r3', 'r4']);
    expect((await listVersions(dir)).map((v) => v.name).sort()).toEqual(['a', 'r1', 'r2', 'r5', 'r6']);
  });
});

describe('hot swap from the models folder', () => {
  it('the bot picks up a model promoted elsewhere; one that fails to load never replaces the working one', async () => {
    const holder = new ModelHolder(await loadActiveModel(dir));
    const w = watchActiveModel({ modelsDir: dir, models: holder, intervalMs: 0, log: silentLogger });
    expect(await w.check()).toBe('unchanged');
    await saveTinyModel(dir, 'b', { parent: 'a', seed: 2 });
    await promote(dir, 'b', 'cli');
    expect(await w.check()).toBe('swapped');
    expect(holder.current().info.name).toBe('b');

    // someone points active.json at a corrupt model by hand
    await saveTinyModel(dir, 'bad');
    const weights = await readFile(join(dir, 'bad', 'weights.bin'));
    await writeFile(join(dir, 'bad', 'weights.bin'), weights.subarray(0, 100));
    await writeFile(join(dir, 'active.json'), JSON.stringify({ active: 'bad' }));
    expect(await w.check()).toBe('failed');
    expect(holder.current().info.name).toBe('b');
    expect(holder.current().classifier.predictProbs(new Float32Array(784), 1)).toHaveLength(10);
    expect(await w.check()).toBe('unchanged'); // not retried until active.json changes
    await writeFile(join(dir, 'active.json'), JSON.stringify({ active: 'a' }));
    expect(await w.check()).toBe('swapped');
    w.stop();
    expect(await readFile(join(dir, HISTORY_FILE), 'utf8')).toContain('"model": "b"');
  });
});

describe('the schedule', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ url: `file:${join(dir, 'bot.db')}` });
  });
  afterEach(() => store.close());

  /** a confirmation (the model answered 3) unless `predicted` says otherwise */
  const sample = (split: 'train' | 'holdout', predicted = 3) => ({ image: new Float32Array(784).fill(0.5), label: 3, split, predicted });

  it('skips while fewer than RETRAIN_MIN_SAMPLES new trusted training samples arrived (corrections held back when labelled are not among them), runs once there are enough', async () => {
    const trainer = copyTrainer({});
    const retrainer = new Retrainer({ store, modelsDir: dir, settings: smallSettings, trainer, keepModels: 3, log: silentLogger });
    const s = scheduleRetrain({ cron: '0 3 * * *', minSamples: 35, retrainer, log: silentLogger });
    try {
      expect(s.task.getNextRun()?.getHours()).toBe(3);
      // untrusted and held-back samples do not count
      await addSamples(store, [sample('train'), sample('train'), sample('train'), sample('train'), { ...sample('train'), trusted: false }, sample('holdout')]);
      // 30 corrections stored on the training side: some are held back when labelled, and those do not count either
      await addSamples(store, Array.from({ length: 30 }, () => sample('train', 8)));
      const heldCorrections = (await store.samples.labelled({ split: 'holdout' })).length - 1;
      expect(heldCorrections).toBeGreaterThan(0);
      const waiting = 4 + 30 - heldCorrections;
      const skipped = await s.tick();
      expect(skipped).toMatchObject({ status: 'skipped', reason: `only ${waiting} new trusted samples (at least 35 needed)` });
      expect(trainer.calls).toBe(0);
      expect(await store.retrainRuns.latest()).toBeNull();

      await addSamples(store, Array.from({ length: 35 - waiting }, () => sample('train')));
      // through node-cron itself, as the clock would fire it
      await s.task.execute();
      expect(trainer.calls).toBe(1);
      // it trains on the 35 training samples, none of the held-back ones
      expect(await store.retrainRuns.latest()).toMatchObject({ trigger: 'cron', status: 'promoted', samplesUsed: 35 });
      // those samples are used now: the next night skips again
      expect((await s.tick()).status).toBe('skipped');
      expect(trainer.calls).toBe(1);
    } finally {
      await s.stop();
    }
  });
});
