/** The 28x28 samples the model saw (quantised to bytes), their labels and their split. */
import { createHash } from 'node:crypto';
import type { Client } from '@libsql/client';
import { NONE_LABEL } from '../data/crops.ts';
import { modelCall } from './assign.ts';
import { IMAGE_SIZE } from '../data/mnist.ts';
import { num, numOrNull, str, strOrNull } from './db.ts';

/** Share of samples never trained on, drawn when a picture is stored: they measure accuracy on users' own handwriting. */
export const HOLDOUT_SHARE = 0.2;

/**
 * Share of the corrections left on the training side at store time that are moved to the held-back
 * side when the label is given: 0.2 + 0.8 × 1/6 = 1/3 of all corrections held back, so the gate's
 * "held-back corrected" count grows 5/3× while training keeps 2/3 of the corrections (was 4/5).
 */
export const CORRECTED_HOLDOUT_SHARE = 1 / 6;

/** Floats in [0, 1] → bytes 0..255 (what is stored). */
export function encodeImage(image: Float32Array): Uint8Array {
  if (image.length !== IMAGE_SIZE) throw new Error(`a sample must be ${IMAGE_SIZE} pixels, got ${image.length}`);
  const out = new Uint8Array(IMAGE_SIZE);
  for (let i = 0; i < IMAGE_SIZE; i++) {
    const v = image[i]!;
    out[i] = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
  }
  return out;
}

/** Stored bytes → floats in [0, 1]. */
export function decodeImage(bytes: Uint8Array | ArrayBuffer): Float32Array {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const out = new Float32Array(IMAGE_SIZE);
  for (let i = 0; i < IMAGE_SIZE; i++) out[i] = (b[i] ?? 0) / 255;
  return out;
}

/** Deterministic split from a stable key: the same sample always lands on the same side. */
export function splitFor(key: string, share = HOLDOUT_SHARE): 'train' | 'holdout' {
  const h = createHash('sha256').update(key).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < share ? 'holdout' : 'train';
}

/** A stored mark as `answeredOn` needs it; a mark a label-guided look found also gives the model's call on it. */
export type AnsweredMark = Pick<Sample, 'kind' | 'predicted'> & Partial<Pick<Sample, 'guided' | 'confidence' | 'pNone'>>;

/**
 * What the model answered on a stored mark: its digit, or "not a digit" (10) for a mark it
 * dropped. A mark a label-guided look found was in no answer: the model's own call on it (its
 * digit, or "not a digit" when that is more likely), so a guided mark the active model already
 * reads as the label counts as confirmed, not corrected (the gate's held-back corrected are what
 * the active model reads wrong).
 */
export function answeredOn(s: AnsweredMark): number {
  if (s.guided) return modelCall({ predicted: s.predicted, confidence: s.confidence ?? 0, pNone: s.pNone ?? null }).label;
  return s.kind === 'candidate' ? NONE_LABEL : s.predicted;
}

/** A label that says the model's answer on the mark was wrong (a digit or "not a digit"). */
export function isCorrection(s: AnsweredMark, label: number | null): boolean {
  return label !== null && label !== answeredOn(s);
}

/**
 * The split of a stored mark once it is labelled `label`. A correction of a mark no run has
 * trained on is held back with the extra CORRECTED_HOLDOUT_SHARE, drawn from the mark itself
 * (`corrected:<prediction id>:<position>`), so every correction of that mark, whatever its digit,
 * lands on the same side. A confirmation, a removed label, or a mark already trained on keeps the
 * split it has: nothing ever moves from the held-back side to training here, and a trained mark is
 * never held back.
 */
export function splitOnLabel(s: Pick<Sample, 'predictionId' | 'position' | 'split' | 'usedInRun'> & AnsweredMark, label: number | null): 'train' | 'holdout' {
  if (s.split === 'holdout' || s.usedInRun !== null || !isCorrection(s, label)) return s.split;
  return splitFor(`corrected:${s.predictionId}:${s.position}`, CORRECTED_HOLDOUT_SHARE);
}

/**
 * One mark of a picture, as the model saw it (28×28), and its label once someone gives one.
 * Fields for the retrain job and its gate:
 * - `kind`: 'read' (the answer read it as a digit) or 'candidate' (the model dropped it as "not a
 *   digit"; kept so that a label can land on it);
 * - `predicted` / `confidence`: the most likely digit and its probability; `pNone`: p("not a
 *   digit") (null: 10-class model). The model's own call is "not a digit" when pNone > confidence;
 * - `label`: 0-9, or 10 (`NONE`, "not a digit"); `assignment`: how it landed on this mark (single,
 *   number, recut, marks, at (the picker), none; store/assign.ts);
 * - `trusted` and not `held`: fit to train on; `held`: waiting for a second opinion (never trained on);
 * - `labelledBy`: who gave the label (the poster is `userId`); null once forgotten.
 */
export interface Sample {
  id: number;
  predictionId: number;
  /** index among the picture's marks, left to right */
  position: number;
  kind: 'read' | 'candidate';
  userId: string | null;
  createdAt: string;
  image: Float32Array;
  predicted: number;
  confidence: number;
  pNone: number | null;
  box: { x: number; y: number; width: number; height: number } | null;
  label: number | null;
  trusted: boolean;
  held: boolean;
  assignment: string | null;
  labelledBy: string | null;
  split: 'train' | 'holdout';
  usedInRun: number | null;
  /** a mark a correction's label-guided look found (bot/guidedLook.ts), not one of the answer's marks */
  guided: boolean;
}

export interface FitOptions {
  /** also the samples labelled "not a digit" (label 10), for an 11-class model; default: digits 0-9 only */
  includeNone?: boolean;
}

/** The SQL condition of a sample fit to train on: labelled, trusted, not held for a second opinion. */
export function fitToTrain(opts: FitOptions = {}): string[] {
  return ['label IS NOT NULL', 'trusted = 1', 'held = 0', ...(opts.includeNone ? [] : ['label < 10'])];
}

function toSample(r: Record<string, unknown>): Sample {
  const img = r.image;
  return {
    id: num(r.id),
    predictionId: num(r.prediction_id),
    position: num(r.position),
    kind: str(r.kind) === 'candidate' ? 'candidate' : 'read',
    userId: strOrNull(r.user_id),
    createdAt: str(r.created_at),
    image: decodeImage(img instanceof ArrayBuffer || img instanceof Uint8Array ? img : new Uint8Array()),
    predicted: num(r.predicted),
    confidence: num(r.confidence),
    pNone: numOrNull(r.p_none),
    box: r.box_x === null || r.box_x === undefined ? null : { x: num(r.box_x), y: num(r.box_y), width: num(r.box_w), height: num(r.box_h) },
    label: numOrNull(r.label),
    trusted: num(r.trusted) === 1,
    held: num(r.held) === 1,
    assignment: strOrNull(r.assignment),
    labelledBy: strOrNull(r.labelled_by),
    split: str(r.split) === 'holdout' ? 'holdout' : 'train',
    usedInRun: numOrNull(r.used_in_run),
    guided: num(r.guided) === 1,
  };
}

export class SamplesStore {
  constructor(private readonly db: Client) {}

  async forPrediction(predictionId: number): Promise<Sample[]> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM samples WHERE prediction_id = ? ORDER BY position', args: [predictionId] });
    return rs.rows.map((r) => toSample(r as Record<string, unknown>));
  }

  /**
   * Samples fit to train on (labelled, trusted, not held) of one split; retraining reads these.
   * Digits 0-9 only unless `includeNone` (then also label 10, "not a digit").
   */
  async labelled(opts: { split?: 'train' | 'holdout'; onlyUnused?: boolean; limit?: number } & FitOptions = {}): Promise<Sample[]> {
    const where = fitToTrain(opts);
    const args: (string | number)[] = [];
    if (opts.split) {
      where.push('split = ?');
      args.push(opts.split);
    }
    if (opts.onlyUnused) where.push('used_in_run IS NULL');
    const limit = opts.limit ? ` LIMIT ${Math.floor(opts.limit)}` : '';
    const rs = await this.db.execute({ sql: `SELECT * FROM samples WHERE ${where.join(' AND ')} ORDER BY id${limit}`, args });
    return rs.rows.map((r) => toSample(r as Record<string, unknown>));
  }

  /** Training samples fit to train on (as `labelled`) not yet used by a retraining run. */
  async waitingCount(opts: FitOptions = {}): Promise<number> {
    const rs = await this.db.execute(`SELECT count(*) AS n FROM samples WHERE ${fitToTrain(opts).join(' AND ')} AND split = 'train' AND used_in_run IS NULL`);
    return num(rs.rows[0]?.n);
  }

  /**
   * The training samples a run trained on. They stay on the training side: one corrected while the
   * run trained (and so held back by `splitOnLabel`) goes back, since the run did train on it.
   */
  async markUsed(ids: readonly number[], runId: number): Promise<void> {
    if (ids.length === 0) return;
    const stmts = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      stmts.push({ sql: `UPDATE samples SET used_in_run = ?, split = 'train' WHERE id IN (${chunk.map(() => '?').join(',')})`, args: [runId, ...chunk] });
    }
    await this.db.batch(stmts, 'write');
  }
}
