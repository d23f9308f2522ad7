import type { DigitClassifier } from './classifier.ts';
import { loadModel } from './format.ts';
import { served } from './shifts.ts';
import { activeModelName } from './registry.ts';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';

/**
 * Loads a classifier from a model folder, or the active model when given the models folder
 * itself (the one holding active.json), as the bot serves it (shifts.ts).
 */
export async function loadClassifier(dir: string): Promise<DigitClassifier> {
  const isModelsRoot = await stat(join(dir, 'active.json')).then(
    () => true,
    () => false,
  );
  return served(await loadModel(isModelsRoot ? join(dir, await activeModelName(dir)) : dir));
}
