/** Retraining runs: what was used, the before/after figures and the decision (issue 6 fills these). */
import type { Client } from '@libsql/client';
import { num, numOrNull, str, strOrNull } from './db.ts';

export type RetrainStatus = 'running' | 'promoted' | 'rejected' | 'failed' | 'skipped';

export interface RetrainRun {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  trigger: string;
  requestedBy: string | null;
  status: RetrainStatus;
  parentModel: string | null;
  candidateModel: string | null;
  samplesUsed: number | null;
  mnistBefore: number | null;
  mnistAfter: number | null;
  holdoutBefore: number | null;
  holdoutAfter: number | null;
  reason: string | null;
  details: Record<string, unknown> | null;
}

export interface RetrainOutcome {
  status: Exclude<RetrainStatus, 'running'>;
  candidateModel?: string | null;
  samplesUsed?: number | null;
  mnistBefore?: number | null;
  mnistAfter?: number | null;
  holdoutBefore?: number | null;
  holdoutAfter?: number | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

function toRun(r: Record<string, unknown>): RetrainRun {
  let details: Record<string, unknown> | null = null;
  try {
    details = r.details ? (JSON.parse(str(r.details)) as Record<string, unknown>) : null;
  } catch {
    details = null;
  }
  return {
    id: num(r.id),
    startedAt: str(r.started_at),
    finishedAt: strOrNull(r.finished_at),
    trigger: str(r.trigger),
    requestedBy: strOrNull(r.requested_by),
    status: str(r.status) as RetrainStatus,
    parentModel: strOrNull(r.parent_model),
    candidateModel: strOrNull(r.candidate_model),
    samplesUsed: numOrNull(r.samples_used),
    mnistBefore: numOrNull(r.mnist_before),
    mnistAfter: numOrNull(r.mnist_after),
    holdoutBefore: numOrNull(r.holdout_before),
    holdoutAfter: numOrNull(r.holdout_after),
    reason: strOrNull(r.reason),
    details,
  };
}

export class RetrainRunsStore {
  constructor(private readonly db: Client) {}

  async start(run: { trigger: string; requestedBy?: string | null; parentModel?: string | null; at?: Date }): Promise<number> {
    const rs = await this.db.execute({
      sql: "INSERT INTO retrain_runs (started_at, trigger, requested_by, status, parent_model) VALUES (?, ?, ?, 'running', ?) RETURNING id",
      args: [(run.at ?? new Date()).toISOString(), run.trigger, run.requestedBy ?? null, run.parentModel ?? null],
    });
    return num(rs.rows[0]?.id);
  }

  async finish(id: number, o: RetrainOutcome, at: Date = new Date()): Promise<void> {
    await this.db.execute({
      sql: `UPDATE retrain_runs SET finished_at = ?, status = ?, candidate_model = ?, samples_used = ?, mnist_before = ?,
              mnist_after = ?, holdout_before = ?, holdout_after = ?, reason = ?, details = ? WHERE id = ?`,
      args: [
        at.toISOString(), o.status, o.candidateModel ?? null, o.samplesUsed ?? null, o.mnistBefore ?? null, o.mnistAfter ?? null,
        o.holdoutBefore ?? null, o.holdoutAfter ?? null, o.reason ?? null, o.details ? JSON.stringify(o.details) : null, id,
      ],
    });
  }

  async running(): Promise<RetrainRun | null> {
    const rs = await this.db.execute("SELECT * FROM retrain_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1");
    return rs.rows[0] ? toRun(rs.rows[0] as Record<string, unknown>) : null;
  }

  async latest(): Promise<RetrainRun | null> {
    const rs = await this.db.execute('SELECT * FROM retrain_runs ORDER BY id DESC LIMIT 1');
    return rs.rows[0] ? toRun(rs.rows[0] as Record<string, unknown>) : null;
  }

  async list(limit = 20): Promise<RetrainRun[]> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM retrain_runs ORDER BY id DESC LIMIT ?', args: [limit] });
    return rs.rows.map((r) => toRun(r as Record<string, unknown>));
  }
}
