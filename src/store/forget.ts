/**
 * /forget: everything that ties stored data to one user goes, in one transaction.
 *
 * - Pictures they posted: the prediction rows, their digit images (samples) and the feedback
 *   on them are deleted; what remains is an anonymous count per day in `forgotten_counts`
 *   (answers served, confirmed, corrected), so /stats keeps its totals.
 * - Feedback they gave anywhere is deleted.
 * - Other people's pictures they asked about ("Read digits"), labelled as a moderator or agreed
 *   with (a second opinion) stay (they belong to the poster), without the caller's id; the label
 *   stays, and so do the marks (samples) it is on, without the caller's id as their labeller.
 * - Retraining runs they started keep their figures, without the caller's id.
 */
import type { Client, InStatement } from '@libsql/client';
import { num, str } from './db.ts';

/** A public answer that named the user or answered their picture: the bot edits it. */
export interface ForgottenAnswer {
  channelId: string;
  messageId: string;
  /** an answer to one of the user's pictures (its controls go) or to someone else's they labelled */
  own: boolean;
  /** the verdict shown on it, to rewrite without a name */
  verdict: { kind: 'confirmed' | 'corrected'; label: string; asModerator: boolean } | null;
}

export interface ForgetReport {
  /** answers to their pictures deleted (kept only as anonymous daily counts) */
  pictures: number;
  /** digit images (28×28) deleted */
  samples: number;
  /** feedback entries deleted (given by them, or given on their pictures) */
  feedback: number;
  /** answers to other people's pictures they asked for: their id removed */
  askedFor: number;
  /** labels they gave on other people's pictures (as a moderator): their id removed, the label kept */
  labelledForOthers: number;
  /** retraining runs they started: their id removed */
  retrainRuns: number;
  answers: ForgottenAnswer[];
}

const DAY = (col: string) => `substr(${col}, 1, 10)`;

export class ForgetStore {
  constructor(private readonly db: Client) {}

  async forgetUser(userId: string): Promise<ForgetReport> {
    const u = userId;
    const own = 'SELECT id FROM predictions WHERE user_id = ?';
    const stmts: InStatement[] = [
      // 0: public answers to edit, read before anything changes
      {
        sql: `SELECT channel_id, reply_message_id, user_id = ? AS own, label_status, label, labelled_by, user_id
                FROM predictions
               WHERE reply_message_id IS NOT NULL AND (user_id = ? OR labelled_by = ? OR agreed_by = ?)
               ORDER BY id`,
        args: [u, u, u, u],
      },
      // 1, 2: the anonymous counts of their pictures
      {
        sql: `INSERT INTO forgotten_counts (day, served)
              SELECT ${DAY('created_at')}, count(*) FROM predictions WHERE user_id = ? GROUP BY 1
              ON CONFLICT (day) DO UPDATE SET served = served + excluded.served`,
        args: [u],
      },
      {
        sql: `INSERT INTO forgotten_counts (day, confirmed, corrected)
              SELECT ${DAY('labelled_at')}, sum(label_status = 'confirmed'), sum(label_status = 'corrected')
                FROM predictions WHERE user_id = ? AND label_status IS NOT NULL AND labelled_at IS NOT NULL GROUP BY 1
              ON CONFLICT (day) DO UPDATE SET confirmed = confirmed + excluded.confirmed, corrected = corrected + excluded.corrected`,
        args: [u],
      },
      // 3-5: their digit images, feedback given by them or on their pictures, their pictures' rows
      { sql: `DELETE FROM samples WHERE user_id = ? OR prediction_id IN (${own})`, args: [u, u] },
      { sql: `DELETE FROM feedback WHERE user_id = ? OR prediction_id IN (${own})`, args: [u, u] },
      { sql: 'DELETE FROM predictions WHERE user_id = ?', args: [u] },
      // 6-8: their id on what belongs to others
      { sql: 'UPDATE predictions SET requested_by = NULL WHERE requested_by = ?', args: [u] },
      { sql: 'UPDATE predictions SET labelled_by = NULL WHERE labelled_by = ?', args: [u] },
      { sql: 'UPDATE retrain_runs SET requested_by = NULL WHERE requested_by = ?', args: [u] },
      // 9, 10: the same ids on the marks they labelled and the second opinions they gave
      { sql: 'UPDATE samples SET labelled_by = NULL WHERE labelled_by = ?', args: [u] },
      { sql: 'UPDATE predictions SET agreed_by = NULL WHERE agreed_by = ?', args: [u] },
    ];
    const r = await this.db.batch(stmts, 'write');
    const answers = r[0]!.rows.map((row): ForgottenAnswer => {
      const status = str(row.label_status);
      const labelledBy = row.labelled_by === null || row.labelled_by === undefined ? null : str(row.labelled_by);
      return {
        channelId: str(row.channel_id),
        messageId: str(row.reply_message_id),
        own: num(row.own) === 1,
        verdict:
          status === 'confirmed' || status === 'corrected'
            ? { kind: status, label: str(row.label), asModerator: labelledBy !== null && labelledBy !== str(row.user_id) }
            : null,
      };
    });
    return {
      pictures: r[5]!.rowsAffected,
      samples: r[3]!.rowsAffected,
      feedback: r[4]!.rowsAffected,
      askedFor: r[6]!.rowsAffected,
      labelledForOthers: r[7]!.rowsAffected,
      retrainRuns: r[8]!.rowsAffected,
      answers,
    };
  }
}
