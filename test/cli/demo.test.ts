/**
 * `npm run demo`, the newcomer's proof that the install works: the emulator, the real bot
 * process with the shipped model, sample pictures answered, exit code 0. Skipped until a model
 * is active.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe.skipIf(!existsSync(join(root, 'models/active.json')))('npm run demo', () => {
  it('answers every sample picture right and exits 0', () => {
    const r = spawnSync('npm', ['run', 'demo', '--silent'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_update_notifier: 'false' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const answers = r.stdout.split('\n').filter((l) => /^ {2}(chat|\/predict) /.test(l)).map((l) => l.split(' → ')[1]!.replace(/ \(.*\)$/, ''));
    expect(answers).toEqual(['I read: 7', 'I read: 42', 'I read: 3', 'No digit found', 'I read: 2024']);
    expect(r.stdout).toMatch(/5 of 5 pictures answered; SIGTERM → the bot exited with 0 in \d+ ms\./);
  }, 150_000);
});
