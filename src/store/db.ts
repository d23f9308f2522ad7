/**
 * The database handle: SQLite through @libsql/client (a local file by default, a libsql
 * server when DATABASE_URL says so). Multi-statement writes go through `client.batch`, which
 * runs them in one transaction on one connection.
 */
import { createClient, type Client, type InValue } from '@libsql/client';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from './migrations.ts';

export type { Client };
export type Args = InValue[];

export interface OpenOptions {
  url: string;
  authToken?: string;
  /** run pending migrations (default true) */
  migrate?: boolean;
}

/** Local file path of a `file:` URL, or undefined for other schemes. */
export function localPath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  if (url.startsWith('file://')) return fileURLToPath(url);
  const rest = url.slice('file:'.length).split('?')[0]!;
  return rest === ':memory:' || rest === '' ? undefined : rest;
}

export async function openDatabase(opts: OpenOptions): Promise<Client> {
  const path = localPath(opts.url);
  if (path) mkdirSync(dirname(path), { recursive: true });
  const client = createClient({ url: opts.url, authToken: opts.authToken });
  if (path) {
    // WAL is a property of the file: readers (the bot) and a writer (a retrain child) coexist.
    await client.execute('PRAGMA journal_mode=WAL');
  }
  if (opts.migrate !== false) await migrate(client);
  return client;
}

/** Rows as plain objects with typed accessors (libsql returns Value | undefined). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v !== '') return Number(v);
  return 0;
}
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}
export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
