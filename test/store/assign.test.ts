/** Which stored mark a label lands on (issue 13, item 1): single, number, re-cut, refused. */
import { describe, expect, it } from 'vitest';
import { assignLabel, NONE, RECUT_MAX_NONE, type Assignment, type Mark } from '../../src/store/assign.ts';

/** a digit read: top digit `d` at `p`, p(none) small */
const read = (position: number, d: number, p = 0.95, pNone = 0.01): Mark => ({ position, kind: 'read', predicted: d, confidence: p, pNone, label: null });
/** a mark the model dropped as not a digit: p(none) `pNone`, its best digit `d` */
const cand = (position: number, pNone: number, d = 1): Mark => ({ position, kind: 'candidate', predicted: d, confidence: (1 - pNone) * 0.9, pNone, label: null });

const labelsOf = (a: Assignment) => {
  if (!a.used) throw new Error(`not used: ${a.reason}`);
  return { how: a.how, label: a.label, labels: a.labels.map((l) => [l.position, l.label]) };
};
const reasonOf = (a: Assignment) => {
  if (a.used) throw new Error(`used: ${JSON.stringify(a.labels)}`);
  return a.reason;
};

describe('a label lands on the mark it is about', () => {
  it('a single digit on its one digit mark, whatever marks were dropped beside it', () => {
    // a shadow edge (pos 0) and a speck (pos 2) were dropped; the 3 (pos 1) was read
    const marks = [cand(0, 0.97), read(1, 3), cand(2, 0.999)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '8' }, marks))).toEqual({ how: 'single', label: '8', labels: [[1, 8]] });
  });

  it('in-style negatives: a confirmed single digit makes the picture\'s other marks, dropped ones included, not digits', () => {
    const marks = [cand(0, 0.97), read(1, 3), cand(2, 0.999)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '3' }, marks))).toEqual({ how: 'single', label: '3', labels: [[0, NONE], [1, 3], [2, NONE]] });
    // alone on its picture: nothing else to label
    expect(labelsOf(assignLabel({ kind: 'digits', label: '3' }, [read(0, 3)])).labels).toEqual([[0, 3]]);
  });

  it('the answer\'s own marks first: a digit-like mark the answer left out (off its row) does not make the label a coin flip', () => {
    // a piece of the desk's grain read as a 1 at p 1.00, left out of the answer "2" (not on its row): stored as a candidate
    const offRow = (position: number): Mark => ({ position, kind: 'candidate', predicted: 1, confidence: 0.999, pNone: 0.0002, label: null });
    const marks = [read(0, 2, 0.999, 0.0001), offRow(1)];
    // ✅: the 2 on its mark, the piece "not a digit"
    expect(labelsOf(assignLabel({ kind: 'digits', label: '2' }, marks))).toEqual({ how: 'single', label: '2', labels: [[0, 2], [1, NONE]] });
    // a correction of the one digit read lands on the answer's mark only
    expect(labelsOf(assignLabel({ kind: 'digits', label: '3' }, marks))).toEqual({ how: 'single', label: '3', labels: [[0, 3]] });
    // without an answer's mark (all candidates) the two digit-like marks are still a coin flip
    expect(reasonOf(assignLabel({ kind: 'digits', label: '2' }, [{ ...marks[0]!, kind: 'candidate' }, offRow(1)]))).toMatch(/cannot tell/);
  });

  it('no negatives when the placement is not the person\'s: a misread corrected, a re-cut, a number', () => {
    // the 3 read may be an edge and the 8 a dropped mark: that mark must not be called "not a digit"
    const marks = [cand(0, 0.97), read(1, 3), cand(2, 0.999)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '8' }, marks)).labels).toEqual([[1, 8]]);
    const recut = [cand(0, 0.9999), cand(1, 0.8, 4), cand(2, 0.999)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '4' }, recut)).labels).toEqual([[1, 4]]);
    const number = [read(0, 4), cand(1, 0.9), read(2, 1)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '41' }, number)).labels).toEqual([[0, 4], [2, 1]]);
  });

  it('a number on its marks when the counts match after dropping non-digit marks', () => {
    const marks = [read(0, 4), cand(1, 0.9), read(2, 1), read(3, 7)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '427' }, marks))).toEqual({ how: 'number', label: '427', labels: [[0, 4], [2, 2], [3, 7]] });
  });

  it('order of the stored rows does not matter: left to right by position', () => {
    const marks = [read(2, 1), read(0, 4)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '47' }, marks)).labels).toEqual([[0, 4], [2, 7]]);
  });

  it('re-cut: "17" read for a 7 and labelled 7 lands on the more digit-like mark', () => {
    // the "1" is a paper edge the model half believed (p(none) 0.3); the 7 is clearly a digit
    const marks = [read(0, 1, 0.65, 0.3), read(1, 7, 0.98, 0.01)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '7' }, marks))).toEqual({ how: 'recut', label: '7', labels: [[1, 7]] });
  });

  it('re-cut: a "no digit" answer labelled with a digit lands on its most digit-like candidate', () => {
    const marks = [cand(0, 0.9999), cand(1, 0.8, 4), cand(2, 0.999)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '4' }, marks))).toEqual({ how: 'recut', label: '4', labels: [[1, 4]] });
  });

  it('re-cut to a longer label keeps left-to-right order, not the ranking', () => {
    // read "5" (pos 2); the label says 25: the 2 (pos 0) was dropped but is the next most digit-like
    const marks = [cand(0, 0.6, 2), cand(1, 0.9999), read(2, 5)];
    expect(labelsOf(assignLabel({ kind: 'digits', label: '25' }, marks))).toEqual({ how: 'recut', label: '25', labels: [[0, 2], [2, 5]] });
  });

  it('no re-cut onto a mark the model is sure is not a digit (an edge or shadow region, a speck): the person can point at it', () => {
    // "no digit found": the most digit-like mark kept is still 99.7 % "not a digit"
    const marks = [cand(0, 0.99999), cand(1, 0.997, 4), cand(2, 0.99999)];
    expect(reasonOf(assignLabel({ kind: 'digits', label: '4' }, marks))).toBe(
      'the label has 1 digit, I read 0 marks as digits, and the most digit-like mark I kept, mark 2, is one I am 99.7 % sure is not a digit (an edge, a shadow or a piece of one): if a mark above shows the digit, pick it',
    );
    // just under RECUT_MAX_NONE it is re-cut; the picker places it whatever the model thinks
    expect(labelsOf(assignLabel({ kind: 'digits', label: '4' }, [cand(0, 0.9999), cand(1, RECUT_MAX_NONE - 0.01, 4)])).labels).toEqual([[1, 4]]);
    expect(labelsOf(assignLabel({ kind: 'at', position: 1, value: 4 }, marks)).labels).toEqual([[0, NONE], [1, 4], [2, NONE]]);
    // a number re-cut with one of its marks that unlike a digit is refused too
    expect(reasonOf(assignLabel({ kind: 'digits', label: '25' }, [cand(0, 0.95, 2), cand(1, 0.9999), read(2, 5)]))).toMatch(/one of the 2 most digit-like marks I kept, mark 1, is one I am 95.0 % sure/);
  });

  it('refused: more digits than marks', () => {
    expect(reasonOf(assignLabel({ kind: 'digits', label: '123' }, [read(0, 1), read(1, 2)]))).toBe('the label has 3 digits and I saw only 2 marks');
  });

  it('refused: two marks look about as digit-like, so the re-cut would be a coin flip', () => {
    const marks = [read(0, 1, 0.97, 0.02), read(1, 7, 0.98, 0.01)];
    expect(reasonOf(assignLabel({ kind: 'digits', label: '7' }, marks))).toBe(
      'the label has 1 digit, I read 2 marks as digits, and marks 1 and 2 look about as digit-like: I cannot tell which one it is about',
    );
  });

  it('refused: a 10-class model gives no p(none) to rank by', () => {
    const marks = [{ ...read(0, 1), pNone: null }, { ...read(1, 7), pNone: null }];
    expect(reasonOf(assignLabel({ kind: 'digits', label: '7' }, marks))).toContain('cannot rank the marks');
    // counts that match need no ranking
    expect(labelsOf(assignLabel({ kind: 'digits', label: '17' }, marks)).how).toBe('number');
  });

  it('refused: nothing kept (a blank picture)', () => {
    expect(reasonOf(assignLabel({ kind: 'digits', label: '7' }, []))).toBe('I kept no mark of this picture to put it on');
    expect(reasonOf(assignLabel({ kind: 'none' }, []))).toBe('I kept no mark of this picture');
  });

  it('"Not a digit" labels every mark none', () => {
    const marks = [read(0, 1, 0.99, 0.005), cand(1, 0.9)];
    expect(labelsOf(assignLabel({ kind: 'none' }, marks))).toEqual({ how: 'none', label: '', labels: [[0, NONE], [1, NONE]] });
  });

  it('a per-digit menu relabels one read mark and keeps the others as read (or as last labelled)', () => {
    const marks = [read(0, 1), cand(1, 0.95), read(2, 0)];
    // "10" for a 0: the 1 is an edge
    expect(labelsOf(assignLabel({ kind: 'mark', index: 0, value: NONE }, marks))).toEqual({ how: 'marks', label: '0', labels: [[0, NONE], [2, 0]] });
    const relabelled = [{ ...marks[0]!, label: NONE }, marks[1]!, marks[2]!];
    expect(labelsOf(assignLabel({ kind: 'mark', index: 1, value: 8 }, relabelled))).toEqual({ how: 'marks', label: '8', labels: [[0, NONE], [2, 8]] });
    expect(reasonOf(assignLabel({ kind: 'mark', index: 2, value: 3 }, marks))).toBe('I read no digit 3 in this picture');
  });
});

describe('the picker: the person points at the mark a single digit is about', () => {
  it('the digit lands on the chosen dropped mark; the mark read as a digit (a line) becomes not a digit', () => {
    const marks = [read(0, 1, 0.9, 0.05), cand(1, 0.8, 7), cand(2, 0.99)];
    expect(labelsOf(assignLabel({ kind: 'at', position: 1, value: 7 }, marks))).toEqual({ how: 'at', label: '7', labels: [[0, NONE], [1, 7], [2, NONE]] });
  });

  it('on a read mark: every other mark, read or dropped, is not a digit (in-style negatives)', () => {
    const marks = [cand(0, 0.9), read(1, 3), read(2, 5), cand(3, 0.97)];
    expect(labelsOf(assignLabel({ kind: 'at', position: 2, value: 8 }, marks))).toEqual({ how: 'at', label: '8', labels: [[0, NONE], [1, NONE], [2, 8], [3, NONE]] });
  });

  it('refuses a mark that does not exist and a value that is not one digit', () => {
    const marks = [read(0, 3), cand(1, 0.9)];
    expect(reasonOf(assignLabel({ kind: 'at', position: 2, value: 3 }, marks))).toMatch(/no mark 3/);
    expect(reasonOf(assignLabel({ kind: 'at', position: -1, value: 3 }, marks))).toMatch(/no mark 0/);
    expect(reasonOf(assignLabel({ kind: 'at', position: 0, value: NONE }, marks))).toMatch(/0-9/);
  });
});
