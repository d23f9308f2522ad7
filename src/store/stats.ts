/** Read-only figures for /stats, computed in SQL. */
import type { Client } from '@libsql/client';
import { num } from './db.ts';

export interface LiveStats {
  /** predictions answered (a reply was sent) */
  predictions: number;
  confirmed: number;
  corrected: number;
  /** confirmed / (confirmed + corrected); null without feedback */
  accuracyAll: number | null;
  accuracy7d: number | null;
  feedback7d: number;
  samplesWaiting: number;
  /** per true digit (from labelled samples): how many, how many the model got right */
  perDigit: { digit: number; total: number; correct: number }[];
  /** confusion[label][predicted] over labelled samples */
  confusion: number[][];
  /** accuracy of labelled predictions per day (UTC), oldest first, last `days` days with feedback */
  daily: { day: string; total: number; correct: number }[];
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export class StatsStore {
  constructor(private readonly db: Client) {}

  async live(now: Date = new Date(), days = 14): Promise<LiveStats> {
    const weekAgo = new Date(now.getTime() - 7 * 86_400_000).toISOString();
    const since = new Date(now.getTime() - days * 86_400_000).toISOString();
    const [totals, week, waiting, perDigit, daily] = await this.db.batch(
      [
        // served = answered: a prediction whose reply was never sent (a crash in between) is not counted
        `SELECT count(reply_message_id) AS n,
                sum(label_status = 'confirmed') AS confirmed,
                sum(label_status = 'corrected') AS corrected
           FROM predictions`,
        {
          sql: `SELECT sum(label_status = 'confirmed') AS confirmed, sum(label_status = 'corrected') AS corrected
                  FROM predictions WHERE labelled_at >= ?`,
          args: [weekAgo],
        },
        "SELECT count(*) AS n FROM samples WHERE label IS NOT NULL AND trusted = 1 AND split = 'train' AND used_in_run IS NULL",
        'SELECT label, predicted, count(*) AS n FROM samples WHERE label IS NOT NULL GROUP BY label, predicted',
        {
          sql: `SELECT substr(labelled_at, 1, 10) AS day, count(*) AS total, sum(label_status = 'confirmed') AS correct
                  FROM predictions WHERE labelled_at >= ? GROUP BY day ORDER BY day`,
          args: [since],
        },
      ],
      'read',
    );
    const t = totals!.rows[0]!;
    const w = week!.rows[0]!;
    const confirmed = num(t.confirmed);
    const corrected = num(t.corrected);
    const wc = num(w.confirmed);
    const wx = num(w.corrected);
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    for (const r of perDigit!.rows) {
      const l = num(r.label);
      const p = num(r.predicted);
      if (l >= 0 && l < 10 && p >= 0 && p < 10) confusion[l]![p]! += num(r.n);
    }
    return {
      predictions: num(t.n),
      confirmed,
      corrected,
      accuracyAll: ratio(confirmed, confirmed + corrected),
      accuracy7d: ratio(wc, wc + wx),
      feedback7d: wc + wx,
      samplesWaiting: num(waiting!.rows[0]?.n),
      perDigit: confusion.map((row, digit) => ({ digit, total: row.reduce((a, b) => a + b, 0), correct: row[digit]! })),
      confusion,
      daily: daily!.rows.map((r) => ({ day: String(r.day), total: num(r.total), correct: num(r.correct) })),
    };
  }
}
