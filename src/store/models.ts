/** Models the bot has served or seen, with their lineage and status. */
import type { Client } from '@libsql/client';
import type { ModelInfo } from '../model/registry.ts';
import { numOrNull, str, strOrNull } from './db.ts';

export type { ModelInfo };

export type ModelStatus = 'known' | 'active' | 'candidate' | 'rejected' | 'retired';

export interface ModelRow extends ModelInfo {
  status: ModelStatus;
  activatedAt: string | null;
  metrics: Record<string, unknown> | null;
}

function toRow(r: Record<string, unknown>): ModelRow {
  let metrics: Record<string, unknown> | null = null;
  try {
    metrics = r.metrics ? (JSON.parse(str(r.metrics)) as Record<string, unknown>) : null;
  } catch {
    metrics = null;
  }
  return {
    name: str(r.name),
    arch: str(r.arch),
    createdAt: str(r.created_at),
    testAccuracy: numOrNull(r.test_accuracy),
    parent: strOrNull(r.parent),
    status: str(r.status) as ModelStatus,
    activatedAt: strOrNull(r.activated_at),
    metrics,
  };
}

export class ModelsStore {
  constructor(private readonly db: Client) {}

  /** Records (or refreshes) a model's description without changing its status. */
  async upsert(info: ModelInfo, status: ModelStatus = 'known', metrics?: Record<string, unknown>): Promise<void> {
    await this.db.execute({
      sql: `INSERT INTO models (name, arch, created_at, test_accuracy, parent, status, metrics, seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET arch = excluded.arch, created_at = excluded.created_at,
              test_accuracy = excluded.test_accuracy, parent = excluded.parent,
              metrics = coalesce(excluded.metrics, models.metrics), seen_at = excluded.seen_at`,
      args: [info.name, info.arch, info.createdAt, info.testAccuracy, info.parent, status, metrics ? JSON.stringify(metrics) : null, new Date().toISOString()],
    });
  }

  /** Marks `info` as the active model (the previous active one becomes retired), atomically. */
  async markActive(info: ModelInfo): Promise<void> {
    const now = new Date().toISOString();
    await this.db.batch(
      [
        { sql: "UPDATE models SET status = 'retired' WHERE status = 'active' AND name <> ?", args: [info.name] },
        {
          sql: `INSERT INTO models (name, arch, created_at, test_accuracy, parent, status, activated_at, seen_at)
                VALUES (?, ?, ?, ?, ?, 'active', ?, ?)
                ON CONFLICT (name) DO UPDATE SET arch = excluded.arch, created_at = excluded.created_at,
                  test_accuracy = excluded.test_accuracy, parent = excluded.parent, status = 'active',
                  activated_at = CASE WHEN models.status = 'active' THEN models.activated_at ELSE excluded.activated_at END,
                  seen_at = excluded.seen_at`,
          args: [info.name, info.arch, info.createdAt, info.testAccuracy, info.parent, now, now],
        },
      ],
      'write',
    );
  }
  async get(name: string): Promise<ModelRow | null> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM models WHERE name = ?', args: [name] });
    return rs.rows[0] ? toRow(rs.rows[0] as Record<string, unknown>) : null;
  }

  async active(): Promise<ModelRow | null> {
    const rs = await this.db.execute("SELECT * FROM models WHERE status = 'active' ORDER BY activated_at DESC LIMIT 1");
    return rs.rows[0] ? toRow(rs.rows[0] as Record<string, unknown>) : null;
  }
}
