/**
 * Reading in worker threads (READ_WORKERS): the same readings as in the calling thread, refusals
 * kept as ImageRejectedError, and a model the workers do not hold read here while they reload.
 * Needs the active model in models/ (skipped otherwise).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadActiveModel } from '../../src/model/registry.ts';
import type { DigitClassifier } from '../../src/model/classifier.ts';
import { readDigits } from '../../src/vision/read.ts';
import { createReadPool, type ReadPool } from '../../src/vision/readPool.ts';
import { ImageRejectedError } from '../../src/vision/types.ts';
import { cleanPng, photoJpeg, truncatedJpeg } from './fixtures.ts';

const active: DigitClassifier | null = await loadActiveModel('models').then((m) => m.classifier, () => null);

describe.skipIf(!active)('readPool', () => {
  const model = active!;
  let pool: ReadPool | undefined;
  afterAll(async () => {
    await pool?.close();
  });

  it('reads in the workers exactly what readDigits reads here', async () => {
    pool = createReadPool(1, 'models', {});
    await pool.ready();
    for (const bytes of [await cleanPng('2024'), await photoJpeg('4096')]) {
      const here = await readDigits(bytes, model);
      const there = await pool.read(bytes, model);
      expect(there.digits).toBe(here.digits);
      expect(there.confidence).toBe(here.confidence);
      expect(there.perDigit.map((d) => Array.from(d.image))).toEqual(here.perDigit.map((d) => Array.from(d.image)));
    }
    expect(pool.served).toEqual({ workers: 2, here: 0 });
  }, 60_000);

  it('a file the pipeline refuses is refused the same way', async () => {
    const bytes = await truncatedJpeg();
    const code = await readDigits(bytes, model).then(() => 'read', (e: unknown) => (e instanceof ImageRejectedError ? e.code : 'other'));
    await expect(pool!.read(bytes, model)).rejects.toMatchObject({ name: 'ImageRejectedError', code });
  }, 60_000);

  it('a model the workers do not hold (a hot swap) is read here, and the workers reload', async () => {
    const before = pool!.served.here;
    const swapped: DigitClassifier = { name: 'another-model', classes: model.classes, predictProbs: (x, n) => model.predictProbs(x, n) };
    expect((await pool!.read(await cleanPng('7'), swapped)).digits).toBe('7');
    expect(pool!.served.here).toBe(before + 1);
    // the workers went to reload the active model; once back they serve it again
    await pool!.ready();
    const workers = pool!.served.workers;
    expect((await pool!.read(await cleanPng('3'), model)).digits).toBe('3');
    expect(pool!.served.workers).toBe(workers + 1);
  }, 60_000);
});
