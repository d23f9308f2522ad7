/**
 * `npm run bench-learning` in a small configuration, end to end (the real bot in process against the
 * emulator, the real pipeline and the active model, a forked retrain): the report has its shape, every posted
 * picture was labelled, a "no digit found" answer labelled leaves a sample on one of its candidate
 * marks and is not held, every held label is seconded through 🤝 Agree (--agree 1) and becomes fit to train on, and
 * one user's flood of confident wrong labels is held past the flood limit, not promoted, and moves nothing.
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

interface Kind {
  pictures: number;
  held: number;
  agreed: number;
  samples: number;
  fit: number;
  heldSamples: number;
  heldOnRightMark: number;
  none: number;
  candidates: number;
  onRightMark: number;
  wrongMark: number;
  noneOnDigit: number;
  picturesOnRightMark: number;
}
type Share = { onRightMark: number; of: number; share: number };

interface Report {
  posted: { pictures: number; posters: number; answeredRight: number };
  labels: { perKind: Record<string, Kind>; trustedHeldBack: number; held: number; agreed: number; used: number; agreeShare: number; floodPerHour: number; rightMark: { corrections: Share; all: Share } };
  replies: Record<string, number>;
  newPictures: { before: { right: number; total: number }; after: { right: number; total: number }; wrongToRight: number; rightToWrong: number };
  retrain: { seconds: number; title: string; reason: string; promoted: boolean; fields: Record<string, string> };
  poisoning: { wrongLabels: number; held: { contradicted: number; flood: number }; used: number; promoted: boolean; modelMoved: boolean; outcome: string; reason: string; figures: Record<string, string> } | null;
}

describe('npm run bench-learning (small)', () => {
  it('posts, labels through the components (a no-digit answer stores a sample, held labels are agreed), retrains, reads before and after; a poisoning flood is held and not promoted', async () => {
    // pictures 80-101 of the style: with cnn-r12b two of the 16 posted (86, 89) are "no digit found"
    // answers whose label can land on a candidate mark (48-63 used to hold one; the looks again now read it)
    const r = await runBench(['--json', '--start', '80', '--posted', '16', '--new', '6', '--posters', '4', '--epochs', '1', '--replay', '1000', '--mnist-gate', '1000', '--max-side', '500', '--poison', '30', '--flood', '10', '--evade', '--agree', '1']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Report;

    // every posted picture got an answer and a label through the real components
    const kinds = report.labels.perKind;
    expect(Object.keys(kinds).sort()).toEqual(['confirmed', 'misread', 'noDigit', 'number']);
    expect(Object.values(kinds).reduce((a, k) => a + k.pictures, 0)).toBe(16);
    expect(kinds.confirmed!.pictures).toBe(report.posted.answeredRight);
    expect(Object.values(report.replies).reduce((a, n) => a + n, 0)).toBe(16);
    // no press refused (e.g. pressed before the bot recorded its answer)
    expect(Object.keys(report.replies).filter((k) => /does not belong|no longer have/.test(k))).toEqual([]);
    // a confirmed single digit is stored on its mark, with its label, fit to train on
    expect(kinds.confirmed!.fit).toBe(kinds.confirmed!.pictures);
    expect(kinds.confirmed!.onRightMark).toBe(kinds.confirmed!.fit);
    // "no digit found" answers in this configuration, labelled with the modal: samples kept on their candidate marks
    expect(kinds.noDigit!.pictures).toBeGreaterThan(0);
    expect(kinds.noDigit!.fit).toBeGreaterThan(0);
    expect(kinds.noDigit!.candidates).toBe(kinds.noDigit!.fit);
    expect(Object.keys(report.replies).filter((k) => k.startsWith('noDigit via modal: ')).length).toBeGreaterThan(0);
    // a correction of a "no digit" answer is never held, however sure the model was that the mark is not a digit
    expect(kinds.noDigit!.held).toBe(0);
    // any held label (another digit the model is sure of) is seconded with 🤝, none left held
    expect(report.labels.agreeShare).toBe(1);
    expect(report.labels.agreed).toBe(report.labels.held);
    expect(Object.values(kinds).reduce((a, k) => a + k.heldSamples, 0)).toBe(0);
    // the share on the right mark counts pictures: corrections are the labelled answers that were wrong
    expect(report.labels.rightMark.corrections.of).toBe(16 - report.posted.answeredRight);
    expect(report.labels.rightMark.all.of).toBe(16);
    expect(report.labels.rightMark.all.onRightMark).toBe(Object.values(kinds).reduce((a, k) => a + k.picturesOnRightMark, 0));
    expect(report.labels.rightMark.all.onRightMark).toBeLessThanOrEqual(report.labels.used);

    // the same new pictures, before and after
    expect(report.newPictures.before.total).toBe(6);
    expect(report.newPictures.after.total).toBe(6);
    expect(report.newPictures.after.right - report.newPictures.before.right).toBe(report.newPictures.wrongToRight - report.newPictures.rightToWrong);

    // the retrain ran and reported each gate figure with counts
    expect(report.retrain.title).toMatch(/promoted|rejected/);
    expect(report.retrain.seconds).toBeGreaterThan(0);
    expect(Object.keys(report.retrain.fields)).toEqual(expect.arrayContaining(['MNIST validation (never test)', 'Held-back confirmed', 'Not-a-digit refusals (gate crops)']));
    expect(report.retrain.fields['MNIST validation (never test)']).toMatch(/\(1000; \d+ fixed, \d+ broken\)/);

    // poisoning: one user, confident wrong labels evading the contradiction hold: from the 11th label
    // of the hour on each is held (the flood limit), nobody seconds them; the 10 that reach the gate
    // are not promoted, the served model unchanged
    // (10 reach the gate: a third of a correction's marks are held back, so with 5 all of them were
    // sometimes held back and no run started)
    expect(report.labels.floodPerHour).toBe(10);
    expect(report.poisoning).not.toBeNull();
    expect(report.poisoning!.wrongLabels).toBe(30);
    expect(report.poisoning!.held).toEqual({ contradicted: 0, flood: 20 });
    expect(report.poisoning!.used).toBe(10);
    expect(report.poisoning!.promoted).toBe(false);
    expect(report.poisoning!.modelMoved).toBe(false);
    expect(report.poisoning!.reason).toMatch(/^rejected/);
    // the line the gain is measured on (held back, and cross-fitted when the retrain cross-fitted) rests on the poisoner alone
    const evidence = /^(Held-back corrected|Corrected, held back \+ cross-fitted) \((\d+) users?\)$/;
    expect(Object.keys(report.poisoning!.figures).find((k) => evidence.test(k))).toMatch(/ \((0 users|1 user)\)$/);
  }, 300_000);

  it('--label-only: stops after the labelling (no retrain) and lists every correction that left no sample on the drawn digit, with the bot\'s words and what was stored', async () => {
    const r = await runBench(['--json', '--label-only', '--start', '80', '--posted', '16', '--new', '1', '--posters', '4', '--max-side', '500']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Omit<Report, 'retrain'> & {
      retrain?: unknown;
      labels: Report['labels'] & { missed: { kind: string; label: string; verdict: string; samples: { onDigit: boolean; label: number; trusted: boolean }[] }[] };
    };
    expect(report.retrain).toBeUndefined();
    expect(report.posted.pictures).toBe(16);
    const { corrections } = report.labels.rightMark;
    // the corrections not on the right mark are exactly the ones listed, each with the reply's words
    expect(report.labels.missed.length).toBe(corrections.of - corrections.onRightMark);
    for (const m of report.labels.missed) {
      expect(m.kind).not.toBe('confirmed');
      expect(m.verdict.length).toBeGreaterThan(10);
      // none of them left a trusted sample on the drawn digit with its label
      expect(m.samples.some((x) => x.onDigit && x.trusted && String(x.label) === m.label)).toBe(false);
    }
  }, 300_000);
});
