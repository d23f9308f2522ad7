/** Feedback on answers (confirmations and corrections) and the labels they give to samples. */
import type { Client, InStatement } from '@libsql/client';
import { num } from './db.ts';
import { toPrediction, type Prediction } from './predictions.ts';

/** The longest label (the most digits one picture may be said to show). */
export const MAX_LABEL_DIGITS = 32;

export type FeedbackVia = 'button' | 'select' | 'modal' | 'command';

export interface NewFeedback {
  predictionId: number;
  userId: string;
  /** the digits the user says are right */
  label: string;
  /** given by the poster or a moderator */
  trusted: boolean;
  via: FeedbackVia;
  at?: Date;
}

export class FeedbackStore {
  constructor(private readonly db: Client) {}

  /**
   * Records feedback and applies the label to the prediction and, when the label has as many
   * digits as were read, to each sample (one transaction). Returns the updated prediction.
   */
  async give(f: NewFeedback): Promise<Prediction | null> {
    if (!new RegExp(`^\\d{1,${MAX_LABEL_DIGITS}}$`).test(f.label)) throw new Error(`a label is 1 to ${MAX_LABEL_DIGITS} digits`);
    const at = (f.at ?? new Date()).toISOString();
    const current = await this.db.execute({ sql: 'SELECT digits, label FROM predictions WHERE id = ?', args: [f.predictionId] });
    const row = current.rows[0];
    if (!row) return null;
    const digits = String(row.digits ?? '');
    const previous = row.label === null || row.label === undefined ? digits : String(row.label);
    const kind = f.label === digits ? 'confirm' : 'correct';
    const status = kind === 'confirm' ? 'confirmed' : 'corrected';
    const trusted = f.trusted ? 1 : 0;
    const stmts: InStatement[] = [
      {
        sql: 'INSERT INTO feedback (prediction_id, user_id, created_at, kind, previous, label, trusted, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        args: [f.predictionId, f.userId, at, kind, previous, f.label, trusted, f.via],
      },
      {
        sql: 'UPDATE predictions SET label = ?, label_status = ?, labelled_by = ?, labelled_at = ?, trusted = ? WHERE id = ?',
        args: [f.label, status, f.userId, at, trusted, f.predictionId],
      },
    ];
    const count = await this.db.execute({ sql: 'SELECT count(*) AS n FROM samples WHERE prediction_id = ?', args: [f.predictionId] });
    if (num(count.rows[0]?.n) === f.label.length) {
      for (let i = 0; i < f.label.length; i++) {
        stmts.push({
          sql: 'UPDATE samples SET label = ?, trusted = ? WHERE prediction_id = ? AND position = ?',
          args: [Number(f.label[i]), trusted, f.predictionId, i],
        });
      }
    } else {
      // the segmentation does not line up with the label: the samples cannot be labelled
      stmts.push({ sql: 'UPDATE samples SET label = NULL, trusted = 0 WHERE prediction_id = ?', args: [f.predictionId] });
    }
    stmts.push({ sql: 'SELECT * FROM predictions WHERE id = ?', args: [f.predictionId] });
    const results = await this.db.batch(stmts, 'write');
    const last = results[results.length - 1]!.rows[0];
    return last ? toPrediction(last as Record<string, unknown>) : null;
  }

  async forPrediction(predictionId: number): Promise<{ userId: string; kind: string; label: string; trusted: boolean }[]> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM feedback WHERE prediction_id = ? ORDER BY id', args: [predictionId] });
    return rs.rows.map((r) => ({ userId: String(r.user_id), kind: String(r.kind), label: String(r.label), trusted: num(r.trusted) === 1 }));
  }
}
