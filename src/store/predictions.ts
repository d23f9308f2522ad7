/** Predictions served (who, where, when, which model, what answer) and their samples. */
import { randomUUID } from 'node:crypto';
import type { Client, InStatement } from '@libsql/client';
import { num, str, strOrNull } from './db.ts';
import { encodeImage, splitFor } from './samples.ts';

export type PredictionSource = 'chat' | 'slash' | 'context';

export interface NewPrediction {
  userId: string;
  requestedBy: string;
  guildId: string | null;
  channelId: string;
  messageId: string | null;
  attachmentIndex: number;
  source: PredictionSource;
  modelName: string;
  digits: string;
  confidence: number;
  noDigit: boolean;
  reason?: string;
  /**
   * The marks of the picture, left to right (samples.position): the digits read (`kind` 'read',
   * the default) and the marks the model dropped as not a digit ('candidate', kept so that a
   * label can land on them).
   */
  perDigit: readonly StoredMark[];
  /** where the picture was downloaded from (a label-guided look downloads it again) */
  pictureUrl?: string | null;
  createdAt?: Date;
}

export interface StoredMark {
  digit: number;
  confidence: number;
  image: Float32Array;
  kind?: 'read' | 'candidate';
  /** p("not a digit") (11-class models) */
  pNone?: number;
  box?: { x: number; y: number; width: number; height: number };
  /** found by a correction's label-guided look, not one of the answer's marks */
  guided?: boolean;
}

/** Why a label waits for a second opinion: the model contradicts it confidently, or its giver floods labels. */
export type HoldCode = 'contradicted' | 'flood';

export interface Prediction {
  id: number;
  createdAt: string;
  userId: string | null;
  requestedBy: string | null;
  guildId: string | null;
  channelId: string;
  messageId: string | null;
  attachmentIndex: number;
  source: PredictionSource;
  replyMessageId: string | null;
  modelName: string;
  digits: string;
  confidence: number;
  noDigit: boolean;
  reason: string | null;
  label: string | null;
  labelStatus: 'confirmed' | 'corrected' | null;
  labelledBy: string | null;
  /** the latest label is trusted (given by the poster or a moderator, and not held) */
  trusted: boolean;
  /** why the latest label waits for a second opinion; null when it does not */
  labelHeld: HoldCode | null;
  /** who agreed with a held label (released it) */
  agreedBy: string | null;
  /** where the picture was downloaded from (null: not kept) */
  pictureUrl: string | null;
}

export function toPrediction(r: Record<string, unknown>): Prediction {
  const status = strOrNull(r.label_status);
  const source = str(r.source);
  const held = strOrNull(r.label_held);
  return {
    id: num(r.id),
    createdAt: str(r.created_at),
    userId: strOrNull(r.user_id),
    requestedBy: strOrNull(r.requested_by),
    guildId: strOrNull(r.guild_id),
    channelId: str(r.channel_id),
    messageId: strOrNull(r.message_id),
    attachmentIndex: num(r.attachment_index),
    source: source === 'slash' || source === 'context' ? source : 'chat',
    replyMessageId: strOrNull(r.reply_message_id),
    modelName: str(r.model_name),
    digits: str(r.digits),
    confidence: num(r.confidence),
    noDigit: num(r.no_digit) === 1,
    reason: strOrNull(r.reason),
    label: strOrNull(r.label),
    labelStatus: status === 'confirmed' || status === 'corrected' ? status : null,
    labelledBy: strOrNull(r.labelled_by),
    trusted: num(r.trusted) === 1,
    labelHeld: held === 'contradicted' || held === 'flood' ? held : null,
    agreedBy: strOrNull(r.agreed_by),
    pictureUrl: strOrNull(r.picture_url),
  };
}

/**
 * The one statement that stores a mark of a picture as a sample: at `position`, owned by the
 * prediction's poster, on the prediction with this `key` (being recorded) or `id`.
 */
export function markInsert(of: { key: string } | { id: number }, position: number, createdAt: string, d: StoredMark, split: 'train' | 'holdout'): InStatement {
  return {
    sql: `INSERT INTO samples (prediction_id, position, user_id, created_at, image, predicted, confidence, split, kind, p_none, box_x, box_y, box_w, box_h, guided)
          SELECT id, ?, user_id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM predictions WHERE ${'key' in of ? 'key' : 'id'} = ?`,
    args: [
      position, createdAt, encodeImage(d.image), d.digit, d.confidence, split, d.kind ?? 'read', d.pNone ?? null,
      d.box?.x ?? null, d.box?.y ?? null, d.box?.width ?? null, d.box?.height ?? null, d.guided ? 1 : 0, 'key' in of ? of.key : of.id,
    ],
  };
}

export class PredictionsStore {
  constructor(private readonly db: Client) {}

  /** Stores a prediction and its samples in one transaction; returns the stored row. */
  async record(p: NewPrediction): Promise<Prediction> {
    const key = randomUUID();
    const createdAt = (p.createdAt ?? new Date()).toISOString();
    const stmts = [
      {
        sql: `INSERT INTO predictions (key, created_at, user_id, requested_by, guild_id, channel_id, message_id,
                attachment_index, source, model_name, digits, confidence, no_digit, reason, picture_url)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        args: [
          key, createdAt, p.userId, p.requestedBy, p.guildId, p.channelId, p.messageId, p.attachmentIndex, p.source,
          p.modelName, p.digits, p.confidence, p.noDigit ? 1 : 0, p.reason ?? null, p.pictureUrl ?? null,
        ],
      },
      ...p.perDigit.map((d, position) => markInsert({ key }, position, createdAt, d, splitFor(`${key}:${position}`))),
    ];
    const results = await this.db.batch(stmts, 'write');
    return toPrediction(results[0]!.rows[0] as Record<string, unknown>);
  }

  async setReplyMessage(id: number, replyMessageId: string): Promise<void> {
    await this.db.execute({ sql: 'UPDATE predictions SET reply_message_id = ? WHERE id = ?', args: [replyMessageId, id] });
  }

  /**
   * Chat predictions stored since `since` whose answer was never sent (the process died between
   * reading and replying), oldest first.
   */
  async unanswered(since: Date): Promise<Prediction[]> {
    const rs = await this.db.execute({
      sql: `SELECT * FROM predictions
             WHERE created_at >= ? AND reply_message_id IS NULL AND source = 'chat' AND message_id IS NOT NULL
             ORDER BY id`,
      args: [since.toISOString()],
    });
    return rs.rows.map((r) => toPrediction(r as Record<string, unknown>));
  }

  /** Which of these messages (posted since `since`) have a stored prediction. */
  async messagesWithPredictions(messageIds: readonly string[], since: Date): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < messageIds.length; i += 500) {
      const chunk = messageIds.slice(i, i + 500);
      const rs = await this.db.execute({
        sql: `SELECT DISTINCT message_id FROM predictions WHERE created_at >= ? AND message_id IN (${chunk.map(() => '?').join(', ')})`,
        args: [since.toISOString(), ...chunk],
      });
      for (const r of rs.rows) found.add(str(r.message_id));
    }
    return found;
  }

  async get(id: number): Promise<Prediction | null> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM predictions WHERE id = ?', args: [id] });
    return rs.rows[0] ? toPrediction(rs.rows[0] as Record<string, unknown>) : null;
  }

  /** The most recent prediction of a picture the user posted (not one they only asked about). */
  async latestPostedBy(userId: string): Promise<Prediction | null> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM predictions WHERE user_id = ? ORDER BY id DESC LIMIT 1', args: [userId] });
    return rs.rows[0] ? toPrediction(rs.rows[0] as Record<string, unknown>) : null;
  }

  async count(): Promise<number> {
    const rs = await this.db.execute('SELECT count(*) AS n FROM predictions');
    return num(rs.rows[0]?.n);
  }
}
