/**
 * Feedback on answers (confirmations, corrections, second opinions) and the labels it puts on
 * the stored marks (samples). Each write is one transaction.
 */
import type { Client, InStatement } from '@libsql/client';
import { num } from './db.ts';
import { assignLabel, type Assignment, type Mark } from './assign.ts';
import { markInsert, toPrediction, type HoldCode, type Prediction, type StoredMark } from './predictions.ts';
import { SamplesStore, splitFor, splitOnLabel, type Sample } from './samples.ts';

/** The longest label (the most digits one picture may be said to show). */
export const MAX_LABEL_DIGITS = 32;

export type FeedbackVia = 'button' | 'select' | 'modal' | 'command' | 'agree';

export interface NewFeedback {
  predictionId: number;
  userId: string;
  /** the digits the user says are right ('' : the picture has no digit) */
  label: string;
  /** given by the poster or a moderator */
  trusted: boolean;
  via: FeedbackVia;
  /** which mark gets which label (store/assign.ts); omitted: the label's digits, assigned here */
  assignment?: Assignment;
  /**
   * Marks a label-guided look found (vision/guided.ts), stored as the picture's next marks
   * ('candidate': not in the answer) before the assignment, which may name their positions.
   */
  added?: readonly { position: number; mark: StoredMark }[];
  /** why the label waits for a second opinion (its samples are stored untrusted and held) */
  held?: HoldCode | null;
  at?: Date;
}

/** A stored sample as the label assignment sees it. */
export function markOf(s: Pick<Sample, 'position' | 'kind' | 'predicted' | 'confidence' | 'pNone' | 'label'>): Mark {
  return { position: s.position, kind: s.kind, predicted: s.predicted, confidence: s.confidence, pNone: s.pNone, label: s.label };
}

export class FeedbackStore {
  constructor(private readonly db: Client) {}

  /**
   * Records feedback, applies the label to the prediction and to the marks the assignment names
   * (every other mark of the picture loses its label); a trusted correction (the poster's or a
   * moderator's, held or not) of a mark no run trained on may move it to the held-back split
   * (`splitOnLabel`). Returns the updated prediction.
   */
  async give(f: NewFeedback): Promise<Prediction | null> {
    if (!new RegExp(`^\\d{0,${MAX_LABEL_DIGITS}}$`).test(f.label)) throw new Error(`a label is 0 to ${MAX_LABEL_DIGITS} digits`);
    const at = (f.at ?? new Date()).toISOString();
    const current = await this.db.execute({ sql: 'SELECT digits, label FROM predictions WHERE id = ?', args: [f.predictionId] });
    const row = current.rows[0];
    if (!row) return null;
    const samples = await new SamplesStore(this.db).forPrediction(f.predictionId);
    const assignment = f.assignment ?? assignLabel(f.label === '' ? { kind: 'none' } : { kind: 'digits', label: f.label }, samples.map(markOf));
    const digits = String(row.digits ?? '');
    const previous = row.label === null || row.label === undefined ? digits : String(row.label);
    const kind = f.label === digits ? 'confirm' : 'correct';
    const status = kind === 'confirm' ? 'confirmed' : 'corrected';
    const held = f.trusted && f.held ? 1 : 0;
    const trusted = f.trusted && !held ? 1 : 0;
    const stmts: InStatement[] = [
      {
        sql: 'INSERT INTO feedback (prediction_id, user_id, created_at, kind, previous, label, trusted, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        args: [f.predictionId, f.userId, at, kind, previous, f.label, trusted, f.via],
      },
      {
        sql: 'UPDATE predictions SET label = ?, label_status = ?, labelled_by = ?, labelled_at = ?, trusted = ?, label_held = ?, agreed_by = NULL WHERE id = ?',
        args: [f.label, status, f.userId, at, trusted, held ? (f.held ?? null) : null, f.predictionId],
      },
      // a new label replaces the last one on every mark
      { sql: 'UPDATE samples SET label = NULL, trusted = 0, held = 0, assignment = NULL, labelled_by = NULL WHERE prediction_id = ?', args: [f.predictionId] },
    ];
    const added = (f.added ?? []).map(({ position, mark }) => {
      const split = splitFor(`guided:${f.predictionId}:${position}`);
      stmts.push(markInsert({ id: f.predictionId }, position, at, { ...mark, kind: 'candidate', guided: true }, split));
      return { predictionId: f.predictionId, position, kind: 'candidate' as const, predicted: mark.digit, confidence: mark.confidence, pNone: mark.pNone ?? null, guided: true, split, usedInRun: null };
    });
    if (assignment.used) {
      for (const l of assignment.labels) {
        stmts.push({
          sql: 'UPDATE samples SET label = ?, trusted = ?, held = ?, assignment = ?, labelled_by = ? WHERE prediction_id = ? AND position = ?',
          args: [l.label, trusted, held, assignment.how, f.userId, f.predictionId, l.position],
        });
        const s = samples.find((x) => x.position === l.position) ?? added.find((x) => x.position === l.position);
        // held back as a correction (only by a label that can count: an untrusted one is never trained on
        // nor measured); the condition again in SQL, in case a run trained on it since it was read
        const split = s && f.trusted ? splitOnLabel(s, l.label) : null;
        if (s && split && split !== s.split) stmts.push({ sql: 'UPDATE samples SET split = ? WHERE prediction_id = ? AND position = ? AND used_in_run IS NULL', args: [split, f.predictionId, l.position] });
      }
    }
    stmts.push({ sql: 'SELECT * FROM predictions WHERE id = ?', args: [f.predictionId] });
    const results = await this.db.batch(stmts, 'write');
    const last = results[results.length - 1]!.rows[0];
    return last ? toPrediction(last as Record<string, unknown>) : null;
  }

  /**
   * A second person agrees with the held label `label`: it and its marks become trusted. Null
   * when the prediction is gone or its label is no longer that held one.
   */
  async agree(a: { predictionId: number; userId: string; label: string; at?: Date }): Promise<Prediction | null> {
    const at = (a.at ?? new Date()).toISOString();
    const tx = await this.db.transaction('write');
    try {
      const released = await tx.execute({
        sql: 'UPDATE predictions SET trusted = 1, label_held = NULL, agreed_by = ? WHERE id = ? AND label = ? AND label_held IS NOT NULL RETURNING *',
        args: [a.userId, a.predictionId, a.label],
      });
      const row = released.rows[0];
      if (!row) {
        await tx.rollback();
        return null;
      }
      const kind = String(row.digits ?? '') === a.label ? 'confirm' : 'correct';
      await tx.batch([
        {
          sql: "INSERT INTO feedback (prediction_id, user_id, created_at, kind, previous, label, trusted, via) VALUES (?, ?, ?, ?, ?, ?, 1, 'agree')",
          args: [a.predictionId, a.userId, at, kind, a.label, a.label],
        },
        { sql: 'UPDATE samples SET trusted = 1, held = 0 WHERE prediction_id = ? AND held = 1', args: [a.predictionId] },
      ]);
      await tx.commit();
      return toPrediction(row as Record<string, unknown>);
    } finally {
      tx.close();
    }
  }

  /** Labels (feedback entries) a user gave since `since` (the flood rule). */
  async countSince(userId: string, since: Date): Promise<number> {
    const rs = await this.db.execute({ sql: 'SELECT count(*) AS n FROM feedback WHERE user_id = ? AND created_at >= ?', args: [userId, since.toISOString()] });
    return num(rs.rows[0]?.n);
  }

  async forPrediction(predictionId: number): Promise<{ userId: string; kind: string; label: string; trusted: boolean; via: string }[]> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM feedback WHERE prediction_id = ? ORDER BY id', args: [predictionId] });
    return rs.rows.map((r) => ({ userId: String(r.user_id), kind: String(r.kind), label: String(r.label), trusted: num(r.trusted) === 1, via: String(r.via) }));
  }
}
