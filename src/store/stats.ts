/**
 * Read-only figures for /stats, computed in SQL. Every answer-level number (served, confirmed,
 * corrected, accuracy all time, over 7 days, per day) comes from one per-day query, so the text
 * and the chart cannot disagree; the per-digit numbers all come from one confusion matrix.
 */
import type { Client } from '@libsql/client';
import { num } from './db.ts';
import { fitToTrain } from './samples.ts';

export interface DayCount {
  /** YYYY-MM-DD (UTC) */
  day: string;
  /** answers rated that day */
  total: number;
  /** of those, confirmed (the answer was right) */
  correct: number;
}

export interface LiveStats {
  /** predictions answered (a reply was sent) */
  predictions: number;
  confirmed: number;
  corrected: number;
  /** confirmed / (confirmed + corrected); null without feedback */
  accuracyAll: number | null;
  /** over the last 7 UTC days (today included) */
  accuracy7d: number | null;
  feedback7d: number;
  samplesWaiting: number;
  /** per true digit (from labelled samples): how many, how many the model got right */
  perDigit: { digit: number; total: number; correct: number }[];
  /** confusion[label][predicted] over labelled samples; perDigit is its rows */
  confusion: number[][];
  /** answers rated per day (UTC) over the last `days` days (today included), oldest first, days with feedback only */
  daily: DayCount[];
  /** the first day of `daily`'s window */
  since: string;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export class StatsStore {
  constructor(private readonly db: Client) {}

  async live(now: Date = new Date(), days = 14): Promise<LiveStats> {
    const [perDay, waiting, perDigit] = await this.db.batch(
      [
        // one row per day: answers served that day, and answers rated (confirmed / corrected) that day;
        // served = answered: a prediction whose reply was never sent (a crash in between) is not counted
        `SELECT day, sum(served) AS served, sum(confirmed) AS confirmed, sum(corrected) AS corrected FROM (
           SELECT substr(created_at, 1, 10) AS day, reply_message_id IS NOT NULL AS served, 0 AS confirmed, 0 AS corrected FROM predictions
           UNION ALL
           SELECT substr(labelled_at, 1, 10), 0, label_status = 'confirmed', label_status = 'corrected'
             FROM predictions WHERE label_status IS NOT NULL AND labelled_at IS NOT NULL
           UNION ALL
           SELECT day, served, confirmed, corrected FROM forgotten_counts
         ) GROUP BY day ORDER BY day`,
        `SELECT count(*) AS n FROM samples WHERE ${fitToTrain().join(' AND ')} AND split = 'train' AND used_in_run IS NULL`,
        // what the model read against what it was: the digits it read (not the marks it dropped)
        "SELECT label, predicted, count(*) AS n FROM samples WHERE label IS NOT NULL AND kind = 'read' GROUP BY label, predicted",
      ],
      'read',
    );
    const rows = perDay!.rows.map((r) => ({ day: String(r.day), served: num(r.served), confirmed: num(r.confirmed), corrected: num(r.corrected) }));
    const sum = (from: string, key: 'served' | 'confirmed' | 'corrected') => rows.filter((r) => r.day >= from).reduce((a, r) => a + r[key], 0);
    const weekFrom = dayOf(new Date(now.getTime() - 6 * 86_400_000));
    const since = dayOf(new Date(now.getTime() - (days - 1) * 86_400_000));
    const confirmed = sum('', 'confirmed');
    const corrected = sum('', 'corrected');
    const wc = sum(weekFrom, 'confirmed');
    const wx = sum(weekFrom, 'corrected');
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    for (const r of perDigit!.rows) {
      const l = num(r.label);
      const p = num(r.predicted);
      if (l >= 0 && l < 10 && p >= 0 && p < 10) confusion[l]![p]! += num(r.n);
    }
    return {
      predictions: sum('', 'served'),
      confirmed,
      corrected,
      accuracyAll: ratio(confirmed, confirmed + corrected),
      accuracy7d: ratio(wc, wc + wx),
      feedback7d: wc + wx,
      samplesWaiting: num(waiting!.rows[0]?.n),
      perDigit: confusion.map((row, digit) => ({ digit, total: row.reduce((a, b) => a + b, 0), correct: row[digit]! })),
      confusion,
      daily: rows.filter((r) => r.day >= since && r.confirmed + r.corrected > 0).map((r) => ({ day: r.day, total: r.confirmed + r.corrected, correct: r.confirmed })),
      since,
    };
  }
}
