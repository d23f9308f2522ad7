/** What a label teaches, in pure functions: the controls, the reply's note, holds, the strip of marks (issue 13). */
import { describe, expect, it } from 'vitest';
import { ComponentType } from 'discord.js';
import { feedbackComponents, learningNote, MENU_DIGITS } from '../../src/bot/format.ts';
import { holdFor } from '../../src/bot/holds.ts';
import { marksOf } from '../../src/bot/marks.ts';
import { markStripRaster } from '../../src/bot/markStrip.ts';
import { assignLabel, NONE, type Mark } from '../../src/store/assign.ts';
import type { DigitReading } from '../../src/vision/types.ts';

const cfg = { holdConfidence: 0.99, floodPerHour: 60 };
const mark = (position: number, predicted: number, confidence: number, pNone: number | null, kind: Mark['kind'] = 'read'): Mark => ({ position, kind, predicted, confidence, pNone, label: null });

describe('the controls under an answer', () => {
  const ids = (rows: ReturnType<typeof feedbackComponents>) => rows.map((r) => r.components.map((c) => ('custom_id' in c ? c.custom_id : '')));

  it('a single digit: Right, Not a digit, type a number, one 0-9 menu', () => {
    expect(ids(feedbackComponents({ predictionId: 5, digits: '7', held: false }))).toEqual([['fb:ok:5', 'fb:none:5', 'fb:num:5'], ['fb:pick:5']]);
  });

  it('"no digit found": no Right, no Not a digit; the menu and the modal to say which digit it is', () => {
    expect(ids(feedbackComponents({ predictionId: 5, digits: '', held: false }))).toEqual([['fb:num:5'], ['fb:pick:5']]);
  });

  it(`numbers up to ${MENU_DIGITS} digits: a menu per digit (0-9 and "not a digit"), within Discord's 5 rows; longer ones are typed`, () => {
    const rows = feedbackComponents({ predictionId: 8, digits: '2024', held: false });
    expect(rows).toHaveLength(5);
    expect(ids(rows).slice(1)).toEqual([['fb:mark:8:0'], ['fb:mark:8:1'], ['fb:mark:8:2'], ['fb:mark:8:3']]);
    const menu = rows[2]!.components[0]!;
    expect(menu.type).toBe(ComponentType.StringSelect);
    if (menu.type !== ComponentType.StringSelect) return;
    expect(menu.placeholder).toBe('Digit 2 (I read 0): pick the right one');
    expect(menu.options.map((o) => o.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'x']);
    expect(ids(feedbackComponents({ predictionId: 8, digits: '20245', held: false }))).toEqual([['fb:ok:8', 'fb:none:8', 'fb:num:8']]);
  });

  it('a held label adds the Agree button', () => {
    expect(ids(feedbackComponents({ predictionId: 9, digits: '7', held: true }))[0]).toEqual(['fb:ok:9', 'fb:none:9', 'fb:num:9', 'fb:agree:9']);
  });
});

describe('the reply says what the label taught, truthfully', () => {
  it('stored on which marks, re-cut, not a digit, or not used and why', () => {
    const marks = [mark(0, 1, 0.6, 0.35), mark(1, 7, 0.98, 0.01), mark(2, 4, 0.001, 0.999, 'candidate')];
    expect(learningNote(assignLabel({ kind: 'digits', label: '17' }, marks), null)).toBe('Thanks, I will learn from it: marks 1 and 2 above.');
    expect(learningNote(assignLabel({ kind: 'digits', label: '7' }, marks), null)).toBe('Thanks, I will learn from it: re-cut to 1 mark: mark 2 of the 3 above, the most digit-like.');
    expect(learningNote(assignLabel({ kind: 'none' }, marks), null)).toBe('Thanks, I will learn from it: 3 marks as not a digit.');
    expect(learningNote(assignLabel({ kind: 'digits', label: '1234' }, marks), null)).toBe('I will not learn from it: the label has 4 digits and I saw only 3 marks.');
    const held = learningNote(assignLabel({ kind: 'digits', label: '17' }, marks), { code: 'flood', why: 'too many' });
    expect(held).toContain('held for a second opinion: too many');
    expect(held).not.toContain('Thanks, I will learn');
  });
});

describe('labels held at the source', () => {
  const marks = [mark(0, 7, 0.995, 0.001), mark(1, 3, 0.002, 0.997, 'candidate')];

  it('a label the model contradicts at p ≥ 0.99 is held; one it doubts is not', () => {
    const hold = holdFor({ assignment: assignLabel({ kind: 'digits', label: '1' }, marks), marks, byModerator: false, recentLabels: 0 }, cfg);
    expect(hold).toEqual({ code: 'contradicted', why: 'I am 99.5 % sure mark 1 is a 7, and the label says 1' });
    const unsure = [mark(0, 7, 0.9, 0.05)];
    expect(holdFor({ assignment: assignLabel({ kind: 'digits', label: '1' }, unsure), marks: unsure, byModerator: false, recentLabels: 0 }, cfg)).toBeNull();
  });

  it('"not a digit" on a confident digit is held too; a digit on a confident "not a digit" is not', () => {
    expect(holdFor({ assignment: assignLabel({ kind: 'none' }, marks), marks, byModerator: false, recentLabels: 0 }, cfg)?.why).toBe('I am 99.5 % sure mark 1 is a 7, and the label says not a digit');
    const dropped = [mark(0, 3, 0.002, 0.997, 'candidate')];
    // a digit on a mark the model dropped as "not a digit" is what a "no digit found" correction is for: not held
    expect(holdFor({ assignment: assignLabel({ kind: 'digits', label: '3' }, dropped), marks: dropped, byModerator: false, recentLabels: 0 }, cfg)).toBeNull();
  });

  it('a confirmation is never contradicted; a moderator is never held; a flood is held from the limit on', () => {
    expect(holdFor({ assignment: assignLabel({ kind: 'digits', label: '7' }, marks), marks, byModerator: false, recentLabels: 0 }, cfg)).toBeNull();
    expect(holdFor({ assignment: assignLabel({ kind: 'digits', label: '1' }, marks), marks, byModerator: true, recentLabels: 500 }, cfg)).toBeNull();
    expect(holdFor({ assignment: assignLabel({ kind: 'digits', label: '7' }, marks), marks, byModerator: false, recentLabels: 59 }, cfg)).toBeNull();
    expect(holdFor({ assignment: assignLabel({ kind: 'digits', label: '7' }, marks), marks, byModerator: false, recentLabels: 60 }, cfg)?.code).toBe('flood');
    expect(holdFor({ assignment: assignLabel({ kind: 'digits', label: '7' }, marks), marks, byModerator: false, recentLabels: 600 }, { ...cfg, floodPerHour: 0 })).toBeNull();
  });
});

describe('the marks kept and shown', () => {
  const r = (digit: number, notDigit: number): DigitReading => ({ digit, confidence: 1 - notDigit, notDigit, top3: [], image: new Float32Array(784).fill(digit / 10), box: { x: digit, y: 0, width: 1, height: 1 } });

  it('every mark the reader classified, left to right, read or dropped', () => {
    const edge = r(1, 0.98);
    const seven = r(7, 0.01);
    const stored = marksOf({ digits: '7', confidence: 0.99, perDigit: [seven], noDigit: false, marks: [edge, seven] });
    expect(stored.map((m) => [m.digit, m.kind, m.pNone])).toEqual([[1, 'candidate', 0.98], [7, 'read', 0.01]]);
    const none = marksOf({ digits: '', confidence: 0, perDigit: [], noDigit: true, candidates: [edge], marks: [edge] });
    expect(none.map((m) => m.kind)).toEqual(['candidate']);
    // an older reader without `marks`: the digits read are all there is
    expect(marksOf({ digits: '7', confidence: 0.99, perDigit: [seven], noDigit: false }).map((m) => m.kind)).toEqual(['read']);
  });

  it('the strip shows each crop as the model saw it, framed green (read) or grey (dropped)', () => {
    const ink = new Float32Array(784);
    ink[0] = 1; // the top-left pixel of the first crop is white
    const strip = markStripRaster([{ image: ink, read: true }, { image: new Float32Array(784), read: false }]);
    expect([strip.width, strip.height]).toEqual([2 * 66 + 6, 80 + 6]);
    const px = (x: number, y: number) => [...strip.data.subarray((y * strip.width + x) * 3, (y * strip.width + x) * 3 + 3)];
    // first cell: frame at (6, 6 + 14), crop from (8, 22), 2× upscaled
    expect(px(6, 20)).toEqual([46, 204, 113]);
    expect(px(8, 22)).toEqual([255, 255, 255]);
    expect(px(9, 23)).toEqual([255, 255, 255]);
    expect(px(10, 22)).toEqual([0, 0, 0]);
    expect(px(6 + 66, 20)).toEqual([120, 124, 130]);
    expect(NONE).toBe(10);
  });
});
