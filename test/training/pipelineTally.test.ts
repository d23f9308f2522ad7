/** The counting of `npm run pipeline-accuracy`: a refusal is never right, exact strings only. */
import { describe, expect, it } from 'vitest';
import { gate, readOutcome, reasonKey, tally, verdict, type Case } from '../../src/training/pipelineTally.ts';
import { generateSplit } from '../../src/data/synth/index.ts';
import { fakeClassifier } from '../vision/helpers.ts';

const c = (label: string | null, outcome: Case['outcome'], hazards: string[] = [], kind = 'k'): Case => ({ id: 'x', label, kind, hazards, outcome });

describe('verdict and tally', () => {
  it('right only when the answer equals the label exactly; refused is never right', () => {
    expect(verdict(c('7', { answer: '7' }))).toBe('right');
    expect(verdict(c('4096', { answer: '409' }))).toBe('wrong');
    expect(verdict(c('7', { answer: '07' }))).toBe('wrong');
    expect(verdict(c('7', { reason: 'not sure it is a digit (best guess 7 at 55%)' }))).toBe('refused');
    expect(verdict(c(null, { reason: 'blank image' }))).toBe('noDigit');
    expect(verdict(c(null, { answer: '1' }))).toBe('read');
  });

  it('counts per kind and per hazard, refusal reasons without their numbers, first failures per kind', () => {
    const t = tally(
      [
        c('7', { answer: '7' }, ['ruled', 'pencil'], 'photo'),
        c('3', { reason: 'not sure it is a digit (best guess 3 at 55%)' }, ['ruled'], 'photo'),
        c('12', { answer: '17' }, ['pencil'], 'number'),
        c(null, { answer: '0' }, ['ruled'], 'non-digit'),
        c(null, { reason: 'blank image: no ink found' }, [], 'non-digit'),
      ],
      1,
    );
    expect(t.total.digits).toEqual({ n: 3, right: 1, wrong: 1, refused: 1 });
    expect(t.total.nonDigits).toEqual({ n: 2, noDigit: 1, read: 1 });
    expect(t.byHazard.ruled.digits).toEqual({ n: 2, right: 1, wrong: 0, refused: 1 });
    expect(t.byHazard.ruled.nonDigits).toEqual({ n: 1, noDigit: 0, read: 1 });
    expect(t.byKind.photo.digits.right).toBe(1);
    expect(t.refusalReasons).toEqual({ 'not sure it is a digit': 1 });
    expect(t.failures.photo).toHaveLength(1);
    expect(t.failures['non-digit']).toEqual([{ id: 'x', label: null, answer: '0', reason: null }]);
    expect(reasonKey('file refused: unsupported')).toBe('file refused: unsupported');
  });

  it('the gates applied afterwards refuse like readDigits does', () => {
    const s = { outcome: { answer: '7' }, minConfidence: 0.55, maxNovelty: 2.5 };
    expect(gate(s, 0.5, 3).answer).toBe('7');
    expect(gate(s, 0.6, 3).reason).toMatch(/not sure/);
    expect(gate(s, 0.5, 2.4).reason).toMatch(/does not look like/);
  });
});

describe('on a tiny synthetic split, read by a stand-in model', () => {
  it('a model whose every answer is refused scores no digit picture right', async () => {
    const unsure = fakeClassifier(3, 0.2); // below the confidence gate: every digit refused
    const cases: Case[] = [];
    for await (const p of generateSplit('dev', 6)) {
      cases.push({ id: p.id, label: p.label, kind: p.kind, hazards: p.hazards, outcome: await readOutcome(p.bytes, unsure, { maxNovelty: Infinity }) });
    }
    const t = tally(cases);
    expect(t.total.digits.n).toBeGreaterThan(0);
    expect(t.total.digits.right).toBe(0);
    expect(t.total.digits.refused).toBe(t.total.digits.n);
    expect(t.total.digits.n + t.total.nonDigits.n).toBe(6);
  });
});
