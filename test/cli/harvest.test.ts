/**
 * `npm run harvest -- --kinds`: only the pictures of the kinds asked for are cut (the indices
 * 0..N-1 of the seed, filtered by their kind), and a kind that does not exist is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kindOf } from '../../src/data/synth/index.ts';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'harvest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const harvest = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/harvest.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('npm run harvest --kinds', () => {
  it('cuts only the pictures of the kinds asked for', () => {
    const r = harvest('--seed', '5', '--n', '12', '--kinds', 'number', '--max-side', '400', '--out', join(dir, 'num'));
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'num.json'), 'utf8')) as { pictures: number; kinds: string[]; digitsDrawn: number };
    const numbers = Array.from({ length: 12 }, (_, i) => kindOf(5, i)).filter((k) => k === 'number').length;
    expect(numbers).toBeGreaterThan(0);
    expect(summary.pictures).toBe(numbers);
    expect(summary.kinds).toEqual(['number']);
    // numbers have at least two digits each
    expect(summary.digitsDrawn).toBeGreaterThanOrEqual(2 * numbers);
  }, 150_000);

  it('refuses a kind that does not exist', () => {
    const r = harvest('--seed', '5', '--kinds', 'numbers', '--out', join(dir, 'x'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--kinds: unknown kind numbers/);
  });
});
