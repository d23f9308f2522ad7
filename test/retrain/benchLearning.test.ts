/**
 * `npm run bench-learning` in a small configuration, end to end (the real bot in process against the
 * emulator, the real pipeline and cnn-b11, a forked retrain): the report has its shape, every posted
 * picture was labelled, and one user's flood of confident wrong labels is not promoted and moves nothing.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-learning.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

interface Report {
  posted: { pictures: number; posters: number; answeredRight: number };
  labels: { perKind: Record<string, { pictures: number; samples: number; trusted: number; onRightMark: number }>; trustedHeldBack: number };
  replies: Record<string, number>;
  newPictures: { before: { right: number; total: number }; after: { right: number; total: number }; wrongToRight: number; rightToWrong: number };
  retrain: { seconds: number; title: string; reason: string; promoted: boolean; fields: Record<string, string> };
  poisoning: { wrongLabels: number; promoted: boolean; modelMoved: boolean; reason: string; figures: Record<string, string> } | null;
}

describe('npm run bench-learning (small)', () => {
  it('posts, labels through the components, retrains, reads before and after; a poisoning flood is not promoted', async () => {
    const r = await runBench(['--json', '--posted', '16', '--new', '6', '--posters', '4', '--epochs', '1', '--replay', '1000', '--mnist-gate', '1000', '--max-side', '500', '--poison', '20']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Report;

    // every posted picture got an answer and a label through the real components
    const kinds = report.labels.perKind;
    expect(Object.keys(kinds).sort()).toEqual(['confirmed', 'misread', 'noDigit', 'number']);
    expect(Object.values(kinds).reduce((a, k) => a + k.pictures, 0)).toBe(16);
    expect(kinds.confirmed!.pictures).toBe(report.posted.answeredRight);
    expect(Object.values(report.replies).reduce((a, n) => a + n, 0)).toBe(16);
    // a confirmed single digit is stored on its mark, with its label
    expect(kinds.confirmed!.onRightMark).toBe(kinds.confirmed!.trusted);

    // the same new pictures, before and after
    expect(report.newPictures.before.total).toBe(6);
    expect(report.newPictures.after.total).toBe(6);
    expect(report.newPictures.after.right - report.newPictures.before.right).toBe(report.newPictures.wrongToRight - report.newPictures.rightToWrong);

    // the retrain ran and reported each gate figure with counts
    expect(report.retrain.title).toMatch(/promoted|rejected/);
    expect(report.retrain.seconds).toBeGreaterThan(0);
    expect(Object.keys(report.retrain.fields)).toEqual(expect.arrayContaining(['MNIST validation (never test)', 'Held-back confirmed', 'Not-a-digit refusals (gate crops)']));
    expect(report.retrain.fields['MNIST validation (never test)']).toMatch(/\(1000; \d+ fixed, \d+ broken\)/);

    // poisoning: one user, confident wrong labels: not promoted, the served model unchanged
    expect(report.poisoning).not.toBeNull();
    expect(report.poisoning!.wrongLabels).toBe(20);
    expect(report.poisoning!.promoted).toBe(false);
    expect(report.poisoning!.modelMoved).toBe(false);
    expect(report.poisoning!.reason).toMatch(/^rejected/);
    expect(Object.keys(report.poisoning!.figures).find((k) => k.startsWith('Held-back corrected'))).toMatch(/^Held-back corrected \((0 users|1 user)\)$/);
  }, 300_000);
});
