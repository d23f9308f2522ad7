/**
 * Model versions: retrained models sit beside the others in the models folder, with their lineage
 * in model.json (parent, data, metrics) and the gate's verdict in retrain.json. Promotion goes
 * through setActiveModel (load-checked, atomic rename) and is logged in history.json, which
 * rollback follows; old retrained models are pruned, never the active one or its rollback chain.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest } from '../model/format.ts';
import type { GateFigures } from './gate.ts';
import { ModelFormatError } from '../model/manifest.ts';
import { activeModelName, modelInfo, readManifests, setActiveModel, writeJsonAtomic, type ModelInfo } from '../model/registry.ts';

export const HISTORY_FILE = 'history.json';
export const VERDICT_FILE = 'retrain.json';
/** how many promotions history.json remembers */
const HISTORY_LIMIT = 100;

export interface HistoryEntry {
  at: string;
  kind: 'promote' | 'rollback';
  model: string;
  previous: string | null;
  /** who or what: "retrain run 12", "cli", "/retrain by 1234…" */
  by: string;
}

/** What a retrain run decided about its candidate (retrain.json in the candidate's folder). */
export interface Verdict {
  run: number | null;
  status: 'promoted' | 'rejected' | 'failed';
  reason: string;
  decidedAt: string;
  figures: Record<string, number | null>;
  /** the gate's paired tallies */
  gate?: GateFigures;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export async function readHistory(modelsDir: string): Promise<HistoryEntry[]> {
  const h = await readJson<HistoryEntry[]>(join(modelsDir, HISTORY_FILE));
  return Array.isArray(h) ? h : [];
}

async function appendHistory(modelsDir: string, e: HistoryEntry): Promise<void> {
  const h = await readHistory(modelsDir);
  h.push(e);
  await writeJsonAtomic(join(modelsDir, HISTORY_FILE), h.slice(-HISTORY_LIMIT));
}

export async function writeVerdict(modelsDir: string, model: string, v: Verdict): Promise<void> {
  await writeJsonAtomic(join(modelsDir, model, VERDICT_FILE), v);
}

export async function readVerdict(modelsDir: string, model: string): Promise<Verdict | null> {
  return readJson<Verdict>(join(modelsDir, model, VERDICT_FILE));
}

async function currentActive(modelsDir: string): Promise<string | null> {
  return activeModelName(modelsDir).catch(() => null);
}

/**
 * Makes `name` the active model (atomically, after checking that it loads) and logs it.
 * Throws (and changes nothing) when the model does not load.
 */
export async function promote(modelsDir: string, name: string, by: string, kind: HistoryEntry['kind'] = 'promote'): Promise<{ previous: string | null }> {
  const previous = await currentActive(modelsDir);
  await setActiveModel(modelsDir, name);
  await appendHistory(modelsDir, { at: new Date().toISOString(), kind, model: name, previous, by });
  return { previous };
}

/** The model active before `name` was last promoted, else its parent; null when there is none. */
export async function rollbackTarget(modelsDir: string, name: string): Promise<string | null> {
  const h = await readHistory(modelsDir);
  for (let i = h.length - 1; i >= 0; i--) {
    const e = h[i]!;
    if (e.kind === 'promote' && e.model === name && e.previous && e.previous !== name) return e.previous;
  }
  const m = await readManifest(join(modelsDir, name)).catch(() => null);
  return m?.parent ?? null;
}

/** Goes back to the model served before the active one. */
export async function rollback(modelsDir: string, by: string): Promise<{ from: string; to: string }> {
  const from = await activeModelName(modelsDir);
  const to = await rollbackTarget(modelsDir, from);
  if (!to) throw new ModelFormatError(`nothing to roll back to: ${from} was not promoted over another model and has no parent`);
  await promote(modelsDir, to, by, 'rollback');
  return { from, to };
}

export interface ModelVersion extends ModelInfo {
  active: boolean;
  /** produced by a retrain run (only those are ever pruned) */
  retrained: boolean;
  verdict: Verdict | null;
  metrics: Record<string, number | null>;
}

/** Every model, newest first, with whether it is active and what the gate said about it. */
export async function listVersions(modelsDir: string): Promise<ModelVersion[]> {
  const active = await currentActive(modelsDir);
  const out: ModelVersion[] = [];
  for (const m of await readManifests(modelsDir)) {
    out.push({
      ...modelInfo(m),
      active: m.name === active,
      retrained: m.training.retrain === true,
      verdict: await readVerdict(modelsDir, m.name),
      metrics: m.metrics,
    });
  }
  return out;
}

/**
 * Deletes retrained models beyond the newest `keep`, sparing the active model and the models
 * rollback would go back to (up to `keep` steps). Models not made by retraining are never touched.
 */
export async function pruneModels(modelsDir: string, keep: number): Promise<string[]> {
  const versions = await listVersions(modelsDir);
  const spared = new Set<string>();
  let at = await currentActive(modelsDir);
  for (let i = 0; at && i <= keep && !spared.has(at); i++) {
    spared.add(at);
    at = await rollbackTarget(modelsDir, at);
  }
  const removed: string[] = [];
  let kept = 0;
  for (const v of versions) {
    if (!v.retrained || spared.has(v.name)) continue;
    if (kept < keep) {
      kept++;
      continue;
    }
    await rm(join(modelsDir, v.name), { recursive: true, force: true });
    removed.push(v.name);
  }
  return removed;
}

/** A sortable, unique folder name for a retrain's candidate: retrain-20261201-031500-r12. */
export function candidateName(at: Date, runId: number): string {
  const iso = at.toISOString();
  return `retrain-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-r${runId}`;
}
