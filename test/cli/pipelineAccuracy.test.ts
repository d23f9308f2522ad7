/**
 * `npm run pipeline-accuracy -- --kind K --start S`: more pictures of one kind than the split's
 * mix holds, drawn from the split's seed at indices the tally reports, and a kind that does not
 * exist refused before any work.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/pipeline-accuracy.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('pipeline-accuracy --kind --start', () => {
  it('reads only pictures of that kind, at the indices asked for', () => {
    const r = run('--split', 'dev', '--kind', 'non-digit', '--start', '30000', '--n', '2', '--mnist', '0', '--json');
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { synthetic: { start: number; n: number; kind: string; byKind: Record<string, unknown>; total: { nonDigits: { n: number } } } };
    expect(summary.synthetic).toMatchObject({ start: 30000, n: 2, kind: 'non-digit' });
    expect(Object.keys(summary.synthetic.byKind)).toEqual(['non-digit']);
    expect(summary.synthetic.total.nonDigits.n).toBe(2);
  }, 150_000);

  it('refuses a kind that does not exist', () => {
    const r = run('--kind', 'numbers', '--n', '1', '--mnist', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--kind must be one of/);
  });
});
