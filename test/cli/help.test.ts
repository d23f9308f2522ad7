/**
 * Every script answers `--help` with its usage on stdout and exit code 0 (no stack trace, no
 * work done).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const scripts = readdirSync(join(root, 'scripts'))
  .filter((f) => f.endsWith('.ts'))
  .sort();

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', file), '--help'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('--help', () => {
  it('covers the scripts', () => {
    expect(scripts).toEqual(expect.arrayContaining(['bench-bot.ts', 'bench-vision.ts', 'demo.ts', 'pipeline-accuracy.ts', 'register-commands.ts', 'train.ts']));
  });
  it('every script prints its usage and exits 0', async () => {
    // two at a time (two cores)
    const results: { file: string; code: number | null; stdout: string; stderr: string }[] = [];
    const queue = [...scripts];
    await Promise.all(
      [0, 1].map(async () => {
        for (let f = queue.shift(); f; f = queue.shift()) results.push({ file: f, ...(await run(f)) });
      }),
    );
    for (const r of results.sort((a, b) => a.file.localeCompare(b.file))) {
      const name = r.file.replace(/\.ts$/, '');
      expect({ file: r.file, code: r.code }, r.stderr).toEqual({ file: r.file, code: 0 });
      expect(r.stdout.split('\n')[0], r.file).toContain(name);
      expect(r.stderr, r.file).not.toMatch(/^\s+at /m);
    }
  }, 120_000);
});
