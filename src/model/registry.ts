import { readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DigitClassifier } from './classifier.ts';
import { served } from './shifts.ts';
import { loadModel, readManifest, type LoadOptions } from './format.ts';
import { ModelFormatError, type ModelManifest } from './manifest.ts';
import { describeSpec } from '../nn/spec.ts';

/** models/active.json names the model the bot serves; each model is a folder beside it. */
export const ACTIVE_FILE = 'active.json';

export interface ModelInfo {
  name: string;
  arch: string;
  createdAt: string;
  testAccuracy: number | null;
  parent: string | null;
}

export function modelInfo(m: ModelManifest): ModelInfo {
  return {
    name: m.name,
    arch: describeSpec(m.network),
    createdAt: m.createdAt,
    testAccuracy: typeof m.metrics.testAccuracy === 'number' ? m.metrics.testAccuracy : null,
    parent: m.parent,
  };
}

/** The name in models/active.json. */
export async function activeModelName(modelsDir: string): Promise<string> {
  const path = join(modelsDir, ACTIVE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFormatError(code === 'ENOENT' ? `${path}: no active model (train one, or write {"active": "NAME"})` : `${path}: unreadable or not JSON`);
  }
  const name = (raw as { active?: unknown }).active;
  if (typeof name !== 'string' || !name || name.includes('/') || name.startsWith('.')) throw new ModelFormatError(`${path}: "active" must name a model folder`);
  return name;
}

/**
 * Points models/active.json at `name` atomically (write a temporary file, rename over), after
 * checking that the model loads: a model that fails to load never becomes active.
 */
export async function setActiveModel(modelsDir: string, name: string): Promise<void> {
  await loadModel(join(modelsDir, name));
  await writeJsonAtomic(join(modelsDir, ACTIVE_FILE), { active: name });
}

/** Writes JSON beside `path` and renames it over: readers see the old file or the new one, never half of one. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, path);
}

/** Loads the active model, as it is served (an 11-class model averaged over shifts, shifts.ts). */
export async function loadActiveModel(modelsDir: string, options: LoadOptions = {}): Promise<{ classifier: DigitClassifier; info: ModelInfo }> {
  const name = await activeModelName(modelsDir);
  const model = await loadModel(join(modelsDir, name), options);
  return { classifier: served(model), info: modelInfo(model.manifest) };
}

/** The manifest of every model folder that has a readable one, newest first. */
export async function readManifests(modelsDir: string): Promise<ModelManifest[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  const manifests: ModelManifest[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    try {
      manifests.push(await readManifest(join(modelsDir, e.name)));
    } catch {
      // a folder that is not a model (or a broken one) is simply not listed
    }
  }
  return manifests.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
