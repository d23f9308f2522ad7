/** Shared set-up for the retrain tests: a small trained MLP as the active model, a store, user samples. */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/dataset.ts';
import { IDENTITY_AFFINE, warp } from '../../src/data/augment.ts';
import { IMAGE_SIZE, loadMnist, subset } from '../../src/data/mnist.ts';
import { loadModel, saveModel } from '../../src/model/format.ts';
import { activeModelName, setActiveModel } from '../../src/model/registry.ts';
import { createKernelsSync, initKernels } from '../../src/nn/kernels/index.ts';
import { Network } from '../../src/nn/network.ts';
import { resolveArch } from '../../src/nn/spec.ts';
import { defaultRetrainSettings, type CandidateJob, type CandidateResult, type RetrainSettings } from '../../src/retrain/candidate.ts';
import type { CandidateTrainer } from '../../src/retrain/fork.ts';
import type { GateFigures } from '../../src/retrain/gate.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { encodeImage, splitOnLabel } from '../../src/store/samples.ts';
import { DEFAULT_TRAIN, train } from '../../src/training/train.ts';
import { evaluate } from '../../src/training/evaluate.ts';

export const BASE = 'base-mlp';

/** Trains a 784-100-10 MLP on 20,000 MNIST images (a few seconds) into `modelsDir/BASE` and makes it active. */
export async function trainBase(modelsDir: string): Promise<void> {
  await initKernels();
  const data = await loadMnist();
  const spec = resolveArch('784-100-10', 'relu', 'cross-entropy').spec;
  const net = new Network(spec, { kernels: (h) => createKernelsSync(h), maxBatch: 32, trainable: true, seed: 7, init: 'he' });
  await train(net, subset(data.train, 0, 20_000), subset(data.validation, 0, 1000), {
    ...DEFAULT_TRAIN,
    epochs: 3,
    batchSize: 32,
    learningRate: 0.001,
    optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    seed: 7,
  });
  await saveModel(join(modelsDir, BASE), net, {
    name: BASE,
    description: 'test base model',
    createdAt: '2026-01-01T00:00:00.000Z',
    parent: null,
    init: 'he',
    training: {},
    metrics: { testAccuracy: evaluate(net, data.test).accuracy },
  });
  await setActiveModel(modelsDir, BASE);
}

export interface Workspace {
  dir: string;
  modelsDir: string;
  store: Store;
  close(): Promise<void>;
}

/** A temp folder with a copy of the models folder `template` and an empty database. */
export async function workspace(template: string): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'digit-bot-retrain-'));
  const modelsDir = join(dir, 'models');
  await cp(template, modelsDir, { recursive: true });
  const store = await openStore({ url: `file:${join(dir, 'bot.db')}` });
  return {
    dir,
    modelsDir,
    store,
    async close() {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface NewSample {
  image: Float32Array;
  label: number;
  /** the split drawn when the picture was stored; a correction may then be held back (`splitOnLabel`) */
  split: 'train' | 'holdout';
  trusted?: boolean;
  /** who labelled it (default 'u1') */
  user?: string;
  /** what the model answered (default 0); the label differs from it on a corrected sample */
  predicted?: number;
}

/**
 * Stores labelled samples directly (one prediction each), as feedback would have left them: a
 * corrected sample's split is the one `splitOnLabel` gives it when the label is given.
 */
export async function addSamples(store: Store, samples: readonly NewSample[]): Promise<void> {
  const at = new Date().toISOString();
  for (let i = 0; i < samples.length; i += 200) {
    const chunk = samples.slice(i, i + 200);
    const inserted = await store.db.batch(
      chunk.map((s) => ({
        sql: `INSERT INTO predictions (key, created_at, user_id, channel_id, source, model_name, digits, confidence, label, label_status, trusted)
              VALUES (?, ?, ?, 'c1', 'chat', 'm', ?, 0.5, ?, ?, ?) RETURNING id`,
        args: [randomUUID(), at, s.user ?? 'u1', String(s.predicted ?? 0), String(s.label), s.label === (s.predicted ?? 0) ? 'confirmed' : 'corrected', s.trusted === false ? 0 : 1],
      })),
      'write',
    );
    const stmts = chunk.map((s, j) => {
      const predictionId = Number(inserted[j]!.rows[0]!.id);
      const predicted = s.predicted ?? 0;
      const split = splitOnLabel({ predictionId, position: 0, kind: 'read', predicted, split: s.split, usedInRun: null }, s.label);
      return {
        sql: `INSERT INTO samples (prediction_id, position, user_id, created_at, image, predicted, confidence, label, trusted, split)
              VALUES (?, 0, ?, ?, ?, ?, 0.5, ?, ?, ?)`,
        args: [predictionId, s.user ?? 'u1', at, encodeImage(s.image), predicted, s.label, s.trusted === false ? 0 : 1, split],
      };
    });
    await store.db.batch(stmts, 'write');
  }
}

/** The samples with what the active model of `modelsDir` answers on each (so corrected ones are those it gets wrong). */
export async function answeredBy(modelsDir: string, samples: readonly NewSample[]): Promise<NewSample[]> {
  const model = await loadModel(join(modelsDir, await activeModelName(modelsDir)));
  const images = new Float32Array(samples.length * IMAGE_SIZE);
  samples.forEach((s, i) => images.set(s.image, i * IMAGE_SIZE));
  const ev = evaluate(model, { images, labels: Uint8Array.from(samples, (s) => s.label), n: samples.length });
  const predicted = samples.map((s) => s.label);
  for (const m of ev.mistakes) predicted[m.index] = m.predicted;
  return samples.map((s, i) => ({ ...s, predicted: predicted[i] }));
}

/** Gate tallies that promote (a clear gain on the corrected samples of several users, nothing lost). */
export function promotingGate(): GateFigures {
  const t = (n: number, before: number, after: number, fixed: number, broken = 0) => ({ n, before, after, fixed, broken });
  return {
    mnist: t(8000, 7900, 7900, 0),
    corrected: t(20, 0, 12, 12),
    correctedByUser: { a: t(5, 0, 3, 3), b: t(5, 0, 3, 3), c: t(5, 0, 3, 3), d: t(5, 0, 3, 3) },
    confirmed: t(60, 60, 60, 0),
    crops: null,
    refusals: null,
  };
}

/** Image i of `ds` in a handwriting style MNIST lacks: a strong italic slant (shear 0.8). */
export function slanted(ds: Dataset, i: number): Float32Array {
  const out = new Float32Array(IMAGE_SIZE);
  warp(ds.images, i * IMAGE_SIZE, out, 0, { ...IDENTITY_AFFINE, shear: 0.8 });
  return out;
}

export function image(ds: Dataset, i: number): Float32Array {
  return ds.images.slice(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE);
}

/** Quick, still a real fine-tune: 10,000 replayed images, 3 epochs, gate on 8,000 MNIST validation images. */
export function smallSettings(mode: RetrainSettings['mode'] = 'finetune'): RetrainSettings {
  return { ...defaultRetrainSettings(mode), replay: 10_000, epochs: 3, validation: 1000, seed: 3 };
}

/**
 * A trainer that "trains" nothing: it saves the parent's weights as the candidate and reports the
 * given figures (for tests of the job around the trainer), then lets `after` tamper with the files.
 */
export function copyTrainer(figures: Partial<CandidateResult>, after?: (candidateDir: string) => Promise<void>): CandidateTrainer & { calls: number } {
  const t = async (job: CandidateJob): Promise<CandidateResult> => {
    t.calls++;
    const parent = await loadModel(join(job.modelsDir, job.parent));
    await saveModel(join(job.modelsDir, job.candidate), parent.network, { ...parent.manifest, name: job.candidate, parent: job.parent, training: { retrain: true, ...job.lineage } });
    await after?.(join(job.modelsDir, job.candidate));
    return {
      candidate: job.candidate, gate: promotingGate(), mnistBefore: 0.95, mnistAfter: 0.95, mnistImages: 8_000, holdoutBefore: 0.5, holdoutAfter: 0.6,
      holdoutCount: job.holdout.data.n, userSamples: job.userTrain.data.n, selectionSamples: 0, largestUserShare: 1, repeats: 1, replay: 0, epochsRun: 1, bestEpoch: 1, trainSeconds: 0, ...figures,
    };
  };
  t.calls = 0;
  return t;
}

export async function activeWeights(modelsDir: string, name: string): Promise<Float32Array> {
  return (await loadModel(join(modelsDir, name))).network.params().slice();
}

/** An untrained 784-16-10 model (for tests about files, not accuracy). */
export async function saveTinyModel(modelsDir: string, name: string, o: { parent?: string | null; retrain?: boolean; createdAt?: string; seed?: number } = {}): Promise<void> {
  await initKernels();
  const net = new Network(resolveArch('784-16-10', 'relu', 'cross-entropy').spec, { kernels: (h) => createKernelsSync(h), maxBatch: 8, trainable: false, seed: o.seed ?? 1, init: 'he' });
  await saveModel(join(modelsDir, name), net, {
    name, description: 'tiny test model', createdAt: o.createdAt ?? new Date().toISOString(), parent: o.parent ?? null, init: 'he',
    training: o.retrain ? { retrain: true } : {}, metrics: { testAccuracy: 0.1 },
  });
}
