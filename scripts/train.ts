/**
 * Trains a network on MNIST (50k train / 10k validation), keeps the best validation epoch,
 * measures it on the 10k test images and writes models/NAME/{model.json, weights.bin,
 * history.json, accuracy.png}.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fail, num, parseCli, runMain } from '../src/cli/args.ts';
import { ProgressBar } from '../src/cli/progress.ts';
import type { AugmentOptions } from '../src/data/augment.ts';
import { MODEL_CROPS, NONE_LABEL, loadCrops, saveCrops } from '../src/data/crops.ts';
import { concatDatasets, loadMnist, subset } from '../src/data/mnist.ts';
import { randomSubset } from '../src/retrain/data.ts';
import { Rng } from '../src/nn/rng.ts';

/** Training crops kept beside an 11-class model for its retrains (~1 MB gzipped). */
const REPLAY_CROPS = 5000;
import { loadModel, saveModel } from '../src/model/format.ts';
import { widenToNone } from '../src/model/widen.ts';
import { createKernelsSync, initKernels } from '../src/nn/kernels/index.ts';
import type { Activation, InitScheme } from '../src/nn/layers/layer.ts';
import type { LossName } from '../src/nn/losses.ts';
import { Network } from '../src/nn/network.ts';
import { resolveArch, describeSpec } from '../src/nn/spec.ts';
import type { OptimizerSettings } from '../src/nn/optimizers.ts';
import { evaluate } from '../src/training/evaluate.ts';
import { train, type TrainSettings } from '../src/training/train.ts';
import { renderLineChart } from '../src/vision/render.ts';

const USAGE = `
npm run train -- [options]

  --arch A           network2 | mlp-seed | network3 | cnn-ref, or MLP sizes like 784-150-50-100-10 (default mlp-seed)
  --activation F     hidden activation for MLP sizes: relu | sigmoid | tanh (default relu)
  --loss L           cross-entropy | quadratic (default cross-entropy)
  --init I           nielsen | xavier | he (default: by activation)
  --optimizer O      sgd | adam (default sgd)
  --lr X             learning rate (default 0.1; Adam 0.001)
  --momentum X       SGD momentum (default 0)
  --l2 X             L2 λ, Nielsen's convention λ/(2n)Σw² (default 0)
  --batch N          mini-batch size (default 10)
  --epochs N         maximum epochs (default 30)
  --halve-after K    halve the learning rate after K epochs without improvement (default 3)
  --stop-after M     stop after M epochs without improvement (default 20)
  --augment A        none | affine | elastic | both (default none)
  --squeeze X        with affine: also narrow each image's width by up to X (0 ≤ X < 1; default 0)
  --train-size N     train on the first N of the 50,000 training images
  --crops P[,P…]     also train on these labelled crops (npm run harvest; needs an 11-class model for "not a digit")
  --val-crops P[,P…] also select on these crops (validation = MNIST validation + them; never test-split crops)
  --from DIR         fine-tune from an existing model instead of a fresh initialisation
  --widen            with --from: add an 11th output, "not a digit", to a 10-digit model (weights kept)
  --seed N           random seed (default 1)
  --threads N        threads sharing each batch (default: 2 or the cores available)
  --name NAME        model name (default from the architecture)
  --out DIR          output folder (default models/NAME)
  --skip-test        do not measure the MNIST test split (a candidate still being chosen: measure
                     only the chosen one, once, with npm run evaluate)
  --stop-file PATH   when this file appears, stop after the current batch and keep the best epoch so far
`;

async function main(): Promise<void> {
  const { values: v } = parseCli(USAGE, {
    arch: { type: 'string' },
    activation: { type: 'string' },
    loss: { type: 'string' },
    init: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    momentum: { type: 'string' },
    l2: { type: 'string' },
    batch: { type: 'string' },
    epochs: { type: 'string' },
    'halve-after': { type: 'string' },
    'stop-after': { type: 'string' },
    augment: { type: 'string' },
    squeeze: { type: 'string' },
    'train-size': { type: 'string' },
    crops: { type: 'string' },
    'val-crops': { type: 'string' },
    from: { type: 'string' },
    widen: { type: 'boolean' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string' },
    'skip-test': { type: 'boolean' },
    'stop-file': { type: 'string' },
  });
  const oneOf = <T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T => {
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) fail(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`, 2);
    return value as T;
  };
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  const activation = oneOf<Activation>(v.activation, 'activation', ['relu', 'sigmoid', 'tanh'], 'relu');
  const loss = oneOf<LossName>(v.loss, 'loss', ['cross-entropy', 'quadratic'], 'cross-entropy');
  const archName = v.arch ?? 'mlp-seed';
  const arch = (() => {
    try {
      return resolveArch(archName, activation, loss);
    } catch (err) {
      return fail((err as Error).message, 2);
    }
  })();
  const init = oneOf<InitScheme>(v.init, 'init', ['nielsen', 'xavier', 'he'], arch.init);
  const optType = oneOf(v.optimizer, 'optimizer', ['sgd', 'adam'] as const, 'sgd');
  const optimizer: OptimizerSettings =
    optType === 'adam' ? { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } : { type: 'sgd', momentum: num(v.momentum, 'momentum', 0, (n) => n >= 0 && n < 1) };
  const augment = oneOf(v.augment, 'augment', ['none', 'affine', 'elastic', 'both'] as const, 'none');
  const settings: TrainSettings = {
    epochs: num(v.epochs, 'epochs', 30, positiveInt),
    batchSize: num(v.batch, 'batch', 10, positiveInt),
    learningRate: num(v.lr, 'lr', optType === 'adam' ? 0.001 : 0.1, (n) => n > 0),
    l2: num(v.l2, 'l2', 0, (n) => n >= 0),
    optimizer,
    plateau: {
      halveAfter: num(v['halve-after'], 'halve-after', 3, positiveInt),
      stopAfter: num(v['stop-after'], 'stop-after', 20, positiveInt),
      minLr: 1e-7,
    },
    seed: num(v.seed, 'seed', 1, Number.isInteger),
    augment:
      augment === 'none'
        ? null
        : ({
            affine: augment !== 'elastic',
            elastic: augment !== 'affine',
            ...(v.squeeze === undefined ? {} : { maxSqueeze: num(v.squeeze, 'squeeze', 0, (n) => n >= 0 && n < 1) }),
          } satisfies AugmentOptions),
    threads: num(v.threads, 'threads', Math.min(2, availableParallelism()), positiveInt),
  };
  const name = v.name ?? (/^\d/.test(archName) ? `mlp-${archName}` : archName);
  const outDir = v.out ?? join('models', name);

  await initKernels();
  const data = await loadMnist();
  const mnistTrain = v['train-size'] ? subset(data.train, 0, num(v['train-size'], 'train-size', 50_000, positiveInt)) : data.train;
  const cropsOf = async (list: string) => Promise.all(list.split(',').map((prefix) => loadCrops(prefix)));
  const trainCrops = v.crops ? await cropsOf(v.crops) : [];
  const trainSet = trainCrops.length > 0 ? concatDatasets(mnistTrain, ...trainCrops) : mnistTrain;
  const validation = v['val-crops'] ? concatDatasets(data.validation, ...(await cropsOf(v['val-crops']))) : data.validation;

  let net: Network;
  let parent: string | null = null;
  let description = arch.description;
  if (v.widen && !v.from) fail('--widen needs --from DIR', 2);
  if (v.from) {
    const base = await loadModel(v.from, { trainable: !v.widen, maxBatch: settings.batchSize, seed: settings.seed });
    parent = base.name;
    description = `${base.manifest.description}${v.widen ? ', with an 11th class "not a digit",' : ''} fine-tuned from ${parent}`;
    if (v.widen) {
      const wide = widenToNone(base.manifest, base.network.params());
      net = new Network(wide.spec, { kernels: (heap) => createKernelsSync(heap), maxBatch: settings.batchSize, trainable: true, seed: settings.seed, init: base.manifest.init });
      net.setParams(wide.params);
    } else {
      net = base.network;
    }
  } else {
    net = new Network(arch.spec, { kernels: (heap) => createKernelsSync(heap), maxBatch: settings.batchSize, trainable: true, seed: settings.seed, init });
  }
  console.log(`Training ${name}: ${description} [${describeSpec(net.spec)}], ${net.paramCount} parameters, kernels ${net.kernels.name}`);
  const outputs = net.outSize;
  if (outputs < 11 && [trainSet, validation].some((d) => d.labels.includes(NONE_LABEL))) {
    fail(`the crops include "not a digit" (label ${NONE_LABEL}) but ${archName} has ${outputs} outputs: use an 11-class architecture such as cnn-deep11`, 2);
  }
  console.log(`  ${trainSet.n} training / ${validation.n} validation images; ${JSON.stringify({ ...settings, plateau: undefined })}`);

  // the epochs run synchronously (no signal gets through): a file that appears at --stop-file ends training
  // after the current batch, keeping the best epoch so far (a deadline on a shared machine)
  const stopFile = v['stop-file'];
  let batches = 0;
  const stopRequested = () => stopFile !== undefined && ++batches % 20 === 0 && existsSync(stopFile);
  const bar = new ProgressBar();
  const result = await train(net, trainSet, validation, settings, {
    shouldStop: stopRequested,
    onProgress: (done, total) => bar.update(done, total),
    onEpoch: (r) => {
      bar.clear();
      const pct = (100 * r.validationAccuracy).toFixed(2);
      console.log(
        `Epoch ${r.epoch}: ${r.validationCorrect} / ${r.validationTotal} (${pct}%)  loss ${r.trainLoss.toFixed(4)}  lr ${r.learningRate.toPrecision(3)}  ${r.seconds.toFixed(1)}s${r.improved ? '  *best' : ''}${r.halved ? '  (lr halved)' : ''}`,
      );
    },
  });
  const test = v['skip-test'] ? null : evaluate(net, data.test);
  // with crops the selection figure mixes two kinds of images: say each one
  const parts: Record<string, number> = {};
  if (v['val-crops']) {
    parts.mnistValidation = evaluate(net, data.validation).accuracy;
    parts.cropValidation = evaluate(net, subset(validation, data.validation.n, validation.n - data.validation.n)).accuracy;
    console.log(`Validation of the best epoch: MNIST ${(100 * parts.mnistValidation).toFixed(2)}%, crops ${(100 * parts.cropValidation).toFixed(2)}%`);
  }
  console.log(`Best epoch ${result.bestEpoch}: validation ${(100 * result.bestValidationAccuracy).toFixed(2)}%`);
  if (test) console.log(`Test: ${test.correct} / ${test.total} (${(100 * test.accuracy).toFixed(2)}%), ${test.total - test.correct} of 10,000 wrong`);
  console.log(`${result.seconds.toFixed(0)}s in all`);

  await saveModel(outDir, net, {
    name,
    description,
    createdAt: new Date().toISOString(),
    parent,
    init,
    training: {
      command: `npm run train -- ${process.argv.slice(2).join(' ')}`,
      ...settings,
      trainImages: trainSet.n,
      crops: v.crops ?? null,
      validationCrops: v['val-crops'] ?? null,
      epochsRun: result.history.length,
      bestEpoch: result.bestEpoch,
      seconds: Math.round(result.seconds),
      kernels: net.kernels.name,
    },
    metrics: {
      ...(test ? { testAccuracy: test.accuracy, testErrors: test.total - test.correct } : {}),
      validationAccuracy: result.bestValidationAccuracy,
      ...parts,
    },
  });
  if (net.outSize === 11 && trainCrops.length > 0 && v['val-crops']) {
    // an 11-class model carries crops for its retrains: a replay of its training crops, the selection crops as the gate
    const replay = randomSubset(concatDatasets(...trainCrops), REPLAY_CROPS, new Rng(settings.seed));
    await saveCrops(join(outDir, MODEL_CROPS.replay), replay, { gzip: true });
    await saveCrops(join(outDir, MODEL_CROPS.gate), subset(validation, data.validation.n, validation.n - data.validation.n), { gzip: true });
  }
  await writeFile(join(outDir, 'history.json'), JSON.stringify(result, null, 2) + '\n');
  const chart = await renderLineChart({
    title: `${name}: accuracy by epoch`,
    xLabel: 'epoch',
    yLabel: 'validation accuracy (%)',
    series: [{ name: 'validation', points: result.history.map((r) => [r.epoch, 100 * r.validationAccuracy] as [number, number]) }],
  });
  await writeFile(join(outDir, 'accuracy.png'), chart);
  console.log(`Wrote ${outDir}/ (model.json, weights.bin, history.json, accuracy.png)`);
}

runMain(main);
