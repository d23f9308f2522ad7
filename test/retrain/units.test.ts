/** The pure parts: the gate, the training mix, the candidate name, settings from the configuration. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { IMAGE_SIZE } from '../../src/data/mnist.ts';
import { Rng } from '../../src/nn/rng.ts';
import { mixTrainingSet, randomSubset, toDataset, userRepeats } from '../../src/retrain/data.ts';
import { decide, MNIST_TOLERANCE } from '../../src/retrain/gate.ts';
import { settingsFromConfig } from '../../src/retrain/index.ts';
import { candidateName } from '../../src/retrain/versions.ts';
import { formatRetrainProgress, formatRetrainReport } from '../../src/bot/commands/retrain.ts';

const figures = { mnistBefore: 0.99, mnistAfter: 0.99, holdoutBefore: 0.8, holdoutAfter: 0.8, holdoutCount: 50 };

describe('the promotion gate', () => {
  it('promotes when MNIST is at most 0.1 point lower and held-back accuracy is not lower', () => {
    expect(decide(figures).promote).toBe(true);
    expect(decide({ ...figures, mnistAfter: 0.99 - MNIST_TOLERANCE }).promote).toBe(true);
    expect(decide({ ...figures, mnistAfter: 0.9889, holdoutAfter: 0.95 })).toMatchObject({ promote: false, reason: expect.stringMatching(/forgets MNIST.*99\.00% → 98\.89%/) });
    expect(decide({ ...figures, holdoutAfter: 0.78, mnistAfter: 0.995 })).toMatchObject({ promote: false, reason: expect.stringMatching(/worse on users' held-back/) });
    expect(decide({ ...figures, holdoutAfter: 0.9 }).reason).toMatch(/^promoted: held-back user samples 80\.00% → 90\.00% \(50\)/);
  });

  it('refuses to promote without held-back samples to measure on', () => {
    expect(decide({ ...figures, holdoutCount: 0, holdoutBefore: null, holdoutAfter: null })).toMatchObject({ promote: false, reason: expect.stringMatching(/no held-back/) });
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
    const mix = mixTrainingSet(user, mnist, { replay: 40, userShare: 0.2, maxRepeats: 20, augment: { affine: true, elastic: false }, seed: 1 });
    expect(mix.replay).toBe(40);
    expect(mix.repeats).toBe(5);
    expect(mix.train.n).toBe(40 + 2 * 5);
    // the replay images are MNIST's, unchanged and distinct
    const firsts = new Set<number>();
    for (let i = 0; i < 40; i++) firsts.add(mix.train.images[i * IMAGE_SIZE]!);
    expect(firsts.size).toBe(40);
    // first user copy verbatim, later copies distorted (a plain white image loses its corners when shifted or rotated)
    expect(mix.train.images.subarray(40 * IMAGE_SIZE, 41 * IMAGE_SIZE).every((v) => v === 1)).toBe(true);
    expect(mix.train.images.subarray(42 * IMAGE_SIZE, 43 * IMAGE_SIZE).some((v) => v < 1)).toBe(true);
    expect([...mix.train.labels.subarray(40)]).toEqual([3, 4, 3, 4, 3, 4, 3, 4, 3, 4]);
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
  });
});

describe('configuration and names', () => {
  it('RETRAIN_* variables: defaults, validation, off', () => {
    const c = loadConfig({ DISCORD_TOKEN: 't' }).retrain;
    expect(c).toMatchObject({ cron: '30 3 * * *', minSamples: 100, mode: 'finetune', epochs: 4, replay: 10_000, threads: 1, nice: 10, keepModels: 5 });
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
    const e = formatRetrainReport({
      status: 'rejected', runId: 3, reason: 'rejected: forgets MNIST', parent: 'a', candidate: 'b', samples: 10, newSamples: 4, seconds: 12,
      figures: { candidate: 'b', mnistBefore: 0.99, mnistAfter: 0.95, mnistImages: 10_000, holdoutBefore: 0.5, holdoutAfter: 0.9, holdoutCount: 3, userSamples: 10, repeats: 2, replay: 100, epochsRun: 2, bestEpoch: 1, trainSeconds: 10 },
    });
    expect(e.title).toMatch(/rejected/);
    expect(JSON.stringify(e.fields)).toContain('99.00% → 95.00%');
    expect(JSON.stringify(e.fields)).not.toContain('Gate crops');
    const eleven = formatRetrainReport({
      status: 'rejected', runId: 4, reason: 'rejected: reads marks worse', parent: 'a', candidate: 'b', samples: 10, newSamples: 4, seconds: 12,
      figures: { candidate: 'b', mnistBefore: 0.99, mnistAfter: 0.99, mnistImages: 10_000, holdoutBefore: 0.5, holdoutAfter: 0.9, holdoutCount: 3, cropsBefore: 0.9644, cropsAfter: 0.9482, userSamples: 10, repeats: 2, replay: 100, epochsRun: 2, bestEpoch: 1, trainSeconds: 10 },
    });
    expect(JSON.stringify(eleven.fields)).toContain('96.44% → 94.82%');
    expect(formatRetrainReport({ status: 'busy', runId: null, reason: 'x', parent: null, candidate: null, figures: null, samples: 0, newSamples: 0, seconds: 0 }).fields).toEqual([]);
  });
});

describe('gate: an 11-class candidate must keep reading marks', () => {
  const base = { mnistBefore: 0.995, mnistAfter: 0.995, holdoutBefore: 0.8, holdoutAfter: 0.9, holdoutCount: 50 };
  it('rejects a candidate that reads its gate crops (digits and not-digits) more than a point worse', () => {
    const d = decide({ ...base, cropsBefore: 0.93, cropsAfter: 0.9 });
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/reads marks worse \(gate crops of digits and non-digits 93.00% → 90.00%/);
  });
  it('promotes within the tolerance, and ignores crops a 10-class model has not got', () => {
    expect(decide({ ...base, cropsBefore: 0.93, cropsAfter: 0.925 }).promote).toBe(true);
    expect(decide({ ...base, cropsBefore: null, cropsAfter: null }).promote).toBe(true);
  });
});

describe('training mix of an 11-class model', () => {
  it('replays all of its crops beside the MNIST replay and the users', () => {
    const ds = (n: number, label: number) => ({ images: new Float32Array(n * IMAGE_SIZE), labels: new Uint8Array(n).fill(label), n });
    const mix = mixTrainingSet(ds(20, 3), ds(500, 1), { replay: 100, userShare: 0.2, maxRepeats: 4, augment: null, seed: 1, crops: ds(40, 10) });
    expect(mix.crops).toBe(40);
    expect(mix.replay).toBe(100);
    expect(mix.train.labels.filter((l) => l === 10)).toHaveLength(40);
    expect(mix.train.n).toBe(100 + 40 + 20 * mix.repeats);
  });
});
