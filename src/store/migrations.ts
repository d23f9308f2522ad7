/**
 * Schema migrations: an ordered list, applied once each inside a transaction and recorded in
 * `schema_migrations`. Never edit a released migration; append a new one.
 */
import type { Client } from '@libsql/client';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: predictions, samples, feedback, models, retrain_runs',
    statements: [
      `CREATE TABLE predictions (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        key              TEXT NOT NULL UNIQUE,
        created_at       TEXT NOT NULL,
        user_id          TEXT,                -- who posted the picture (NULL once forgotten)
        requested_by     TEXT,                -- who asked (context menu: may differ from the poster)
        guild_id         TEXT,
        channel_id       TEXT NOT NULL,
        message_id       TEXT,                -- the message holding the picture
        attachment_index INTEGER NOT NULL DEFAULT 0,
        source           TEXT NOT NULL CHECK (source IN ('chat', 'slash', 'context')),
        reply_message_id TEXT,                -- the bot's answer, for later edits
        model_name       TEXT NOT NULL,
        digits           TEXT NOT NULL,       -- '' when no digit was found
        confidence       REAL NOT NULL,
        no_digit         INTEGER NOT NULL DEFAULT 0,
        reason           TEXT,
        label            TEXT,                -- latest label from feedback (NULL: none yet)
        label_status     TEXT CHECK (label_status IN ('confirmed', 'corrected')),
        labelled_by      TEXT,
        labelled_at      TEXT,
        trusted          INTEGER NOT NULL DEFAULT 0  -- labelled by the poster or a moderator
      )`,
      'CREATE INDEX predictions_user ON predictions (user_id, id)',
      'CREATE INDEX predictions_created ON predictions (created_at)',
      `CREATE TABLE samples (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        prediction_id  INTEGER NOT NULL REFERENCES predictions (id) ON DELETE CASCADE,
        position       INTEGER NOT NULL,      -- index of the digit in the number read
        user_id        TEXT,                  -- owner (poster of the picture)
        created_at     TEXT NOT NULL,
        image          BLOB NOT NULL,         -- 28x28 uint8, row-major, MNIST convention (never the photo)
        predicted      INTEGER NOT NULL,
        confidence     REAL NOT NULL,
        label          INTEGER,               -- NULL until someone labels it
        trusted        INTEGER NOT NULL DEFAULT 0,
        split          TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'holdout')),
        used_in_run    INTEGER REFERENCES retrain_runs (id),
        UNIQUE (prediction_id, position)
      )`,
      'CREATE INDEX samples_label ON samples (label, trusted, split)',
      'CREATE INDEX samples_user ON samples (user_id)',
      `CREATE TABLE feedback (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        prediction_id  INTEGER NOT NULL REFERENCES predictions (id) ON DELETE CASCADE,
        user_id        TEXT NOT NULL,         -- who gave it
        created_at     TEXT NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('confirm', 'correct')),
        previous       TEXT NOT NULL,         -- what the bot (or the last label) said
        label          TEXT NOT NULL,
        trusted        INTEGER NOT NULL,
        via            TEXT NOT NULL          -- 'button', 'select', 'modal', 'command'
      )`,
      'CREATE INDEX feedback_prediction ON feedback (prediction_id)',
      'CREATE INDEX feedback_user ON feedback (user_id)',
      `CREATE TABLE models (
        name           TEXT PRIMARY KEY,
        arch           TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        test_accuracy  REAL,
        parent         TEXT,
        status         TEXT NOT NULL DEFAULT 'known' CHECK (status IN ('known', 'active', 'candidate', 'rejected', 'retired')),
        activated_at   TEXT,
        metrics        TEXT,                  -- JSON
        seen_at        TEXT NOT NULL
      )`,
      `CREATE TABLE retrain_runs (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at        TEXT NOT NULL,
        finished_at       TEXT,
        trigger           TEXT NOT NULL,      -- 'cron', 'command', 'cli'
        requested_by      TEXT,
        status            TEXT NOT NULL CHECK (status IN ('running', 'promoted', 'rejected', 'failed', 'skipped')),
        parent_model      TEXT,
        candidate_model   TEXT,
        samples_used      INTEGER,
        mnist_before      REAL,
        mnist_after       REAL,
        holdout_before    REAL,
        holdout_after     REAL,
        reason            TEXT,
        details           TEXT                -- JSON
      )`,
      'CREATE INDEX retrain_runs_started ON retrain_runs (started_at)',
    ],
  },
  {
    version: 2,
    name: 'forgotten_counts: what /forget keeps (anonymous counts per day)',
    statements: [
      `CREATE TABLE forgotten_counts (
        day        TEXT PRIMARY KEY,          -- YYYY-MM-DD (UTC)
        served     INTEGER NOT NULL DEFAULT 0, -- answers given that day to pictures of people who used /forget
        confirmed  INTEGER NOT NULL DEFAULT 0, -- of those, confirmed that day
        corrected  INTEGER NOT NULL DEFAULT 0  -- of those, corrected that day
      )`,
      'CREATE INDEX predictions_labelled_by ON predictions (labelled_by)',
      'CREATE INDEX predictions_requested_by ON predictions (requested_by)',
    ],
  },
  {
    version: 3,
    name: 'labels on the right mark: every mark kept (read or dropped as not a digit), held labels, second opinions',
    statements: [
      // samples.position is now the mark's index among all the marks of the picture, left to right
      "ALTER TABLE samples ADD COLUMN kind TEXT NOT NULL DEFAULT 'read' CHECK (kind IN ('read', 'candidate'))", // read as a digit, or dropped as not one
      'ALTER TABLE samples ADD COLUMN p_none REAL',          // the model's p("not a digit") for this mark (NULL: 10-class model)
      'ALTER TABLE samples ADD COLUMN box_x INTEGER',        // where the mark was in the picture (pixels)
      'ALTER TABLE samples ADD COLUMN box_y INTEGER',
      'ALTER TABLE samples ADD COLUMN box_w INTEGER',
      'ALTER TABLE samples ADD COLUMN box_h INTEGER',
      'ALTER TABLE samples ADD COLUMN held INTEGER NOT NULL DEFAULT 0', // labelled, but waiting for a second opinion (never trained on)
      'ALTER TABLE samples ADD COLUMN assignment TEXT',      // how the label landed here: single, number, recut, marks, none
      'ALTER TABLE samples ADD COLUMN labelled_by TEXT',     // who gave the label (NULL once forgotten)
      'ALTER TABLE predictions ADD COLUMN label_held TEXT',  // why the latest label waits for a second opinion: contradicted, flood (NULL: it does not)
      'ALTER TABLE predictions ADD COLUMN agreed_by TEXT',   // who released a held label (NULL once forgotten)
      'CREATE INDEX samples_labelled_by ON samples (labelled_by)',
      'CREATE INDEX predictions_agreed_by ON predictions (agreed_by)',
      'CREATE INDEX feedback_user_time ON feedback (user_id, created_at)',
    ],
  },
  {
    version: 4,
    name: 'a label-guided look: where the picture was downloaded from',
    statements: [
      'ALTER TABLE predictions ADD COLUMN picture_url TEXT', // the attachment's URL, to look at the picture again when it is labelled (gone with the prediction)
      'ALTER TABLE samples ADD COLUMN guided INTEGER NOT NULL DEFAULT 0', // 1: a mark a label-guided look found, not one of the answer's
    ],
  },
];

export async function migrate(client: Client, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await client.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const done = new Set((await client.execute('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await client.batch(
      [
        ...m.statements,
        { sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', args: [m.version, m.name, new Date().toISOString()] },
      ],
      'write',
    );
    applied.push(m.version);
  }
  return applied;
}
