/**
 * npm run soup -- --name NAME MODEL_DIR MODEL_DIR …
 *
 * Writes models/NAME: the mean of the weights of models fine-tuned from one parent (src/model/soup.ts),
 * with the first model's retrain crops (replay and gate) beside it. The MNIST test split is not
 * measured here: measure the chosen model once with npm run evaluate.
 */
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail, parseCli, runMain } from '../src/cli/args.ts';
import { cropFiles, MODEL_CROPS } from '../src/data/crops.ts';
import { loadModel, saveModel } from '../src/model/format.ts';
import { soupParams } from '../src/model/soup.ts';

const USAGE = `
npm run soup -- --name NAME [--out DIR] MODEL_DIR MODEL_DIR …

  --name NAME   the new model's name
  --out DIR     output folder (default models/NAME)
`;

async function main(): Promise<void> {
  const { values: v, positionals: dirs } = parseCli(USAGE, { name: { type: 'string' }, out: { type: 'string' } }, true);
  if (!v.name) fail('--name is required', 2);
  if (dirs.length < 2) fail('give at least two model folders to average', 2);
  const models = await Promise.all(dirs.map((d) => loadModel(d)));
  let params: Float32Array;
  try {
    params = soupParams(models.map((m) => ({ name: m.name, network: m.manifest.network, params: m.network.params() })));
  } catch (err) {
    fail((err as Error).message);
  }
  const base = models[0]!;
  base.network.setParams(params);
  const outDir = v.out ?? join('models', v.name);
  await saveModel(outDir, base.network, {
    name: v.name,
    description: `the mean of the weights of ${models.map((m) => m.name).join(', ')} (a model soup)`,
    createdAt: new Date().toISOString(),
    parent: base.manifest.parent ?? base.name,
    init: base.manifest.init,
    training: {
      command: `npm run soup -- ${process.argv.slice(2).join(' ')}`,
      soupOf: models.map((m) => ({ name: m.name, parent: m.manifest.parent, command: m.manifest.training.command ?? null })),
    },
    metrics: {},
  });
  for (const kind of Object.values(MODEL_CROPS)) {
    for (const file of Object.values(cropFiles(kind))) {
      const from = join(dirs[0]!, `${file}.gz`);
      if (existsSync(from)) await copyFile(from, join(outDir, `${file}.gz`));
    }
  }
  console.log(`Wrote ${outDir}/: the mean of ${models.length} models (${base.network.paramCount} parameters each)`);
}

runMain(main);
