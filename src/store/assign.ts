/**
 * Which stored mark a label lands on (pure). A picture's marks are stored left to right: the
 * ones read as digits (`read`) and the ones the model dropped as "not a digit" (`candidate`).
 * A label is about the picture; the model learns from marks, so each digit of the label must
 * land on the mark that shows it, or nowhere:
 *
 * 1. the label's digits on the answer's marks when it read as many digits as the label has, else
 *    on the digit-like marks (a digit more likely than "not a digit") when there are as many of
 *    them: a single digit on its mark, a number on its marks;
 * 2. otherwise re-cut: every mark ranked by how digit-like it is (1 − p(none)), the label's
 *    length of the best kept in left-to-right order — when the ranking is clear and none of the
 *    marks kept is one the model is RECUT_MAX_NONE sure is not a digit;
 * 3. otherwise the label is not used, with the reason.
 *
 * "Not a digit" labels every mark `NONE`; a per-digit menu relabels one read mark.
 *
 * The person may also point at the mark a single digit is about ("Which mark shows the 7?"):
 * the digit lands on that mark.
 *
 * In-style negatives: when the placement of a single digit is unambiguous — the person pointed at
 * the mark, or confirmed the reading of the only digit-like mark (✅ or the label the model read
 * there) — every other mark of the picture, dropped ones included, is labelled `NONE`: by the
 * person's own label the picture shows one digit, so its other marks (this server's paper edges,
 * shadow lines, grid fragments) are not digits, and a retrain sees them beside the server's
 * digits. A correction the person did not place (a menu label on the one mark read, a re-cut)
 * labels its mark only: the digit may be on another mark, which must not be called "not a digit".
 */

/** The label of a mark that is not a digit (the 11th class). */
export const NONE = 10;

/**
 * Re-cut only when the last mark kept is at least this many times more digit-like (in odds,
 * (1 − p(none)) / p(none)) than the first mark left out: a closer call is a coin flip between
 * marks, and a label on the wrong mark teaches the model something false.
 */
export const RECUT_MIN_ODDS_RATIO = 4;

/**
 * A re-cut never lands a digit on a mark the model gives at least this p("not a digit"): on the
 * style bench-learning measures, 26 of the 29 marks a "no digit found" correction was re-cut onto
 * were not the digit cut on its own but a paper edge or shadow region 20-280 times its size that
 * contains it, or a fragment of it (grey blobs and specks as crops), 25 of them at p(none) ≥ 0.9;
 * the three that were the digit had 0.99, 0.55 and 0.00. Trained as digits, such crops teach the
 * model that blobs are digits. The person can still point at the mark that shows the digit (the picker).
 */
export const RECUT_MAX_NONE = 0.9;

/** A stored mark, as the assignment sees it. */
export interface Mark {
  /** index among the picture's marks, left to right (samples.position) */
  position: number;
  kind: 'read' | 'candidate';
  /** the most likely digit and its probability */
  predicted: number;
  confidence: number;
  /** p("not a digit"); null for a 10-class model (no ranking possible) */
  pNone: number | null;
  /** its current label (0-9, NONE), null when unlabelled */
  label: number | null;
}

export type LabelInput =
  /** the digits the picture shows (✅, the single menu, the modal, /correct) */
  | { kind: 'digits'; label: string }
  /** "Not a digit": the picture has none */
  | { kind: 'none' }
  /** a per-digit menu: the `index`-th read mark (0-based) is `value` (0-9 or NONE) */
  | { kind: 'mark'; index: number; value: number }
  /** the picker: the picture shows the one digit `value` (0-9), on the mark at `position` */
  | { kind: 'at'; position: number; value: number };

/** `guided`: a correction's label-guided look found the marks (bot/guidedLook.ts) */
export type How = 'single' | 'number' | 'recut' | 'none' | 'marks' | 'at' | 'guided';

export type Assignment =
  | {
      used: true;
      how: How;
      /** the picture's label ('' : no digit) */
      label: string;
      /** the marks labelled, left to right */
      labels: { position: number; label: number }[];
      /** how many marks there were (for the reply) */
      marks: number;
    }
  | { used: false; label: string; reason: string };

/** A mark the model thinks more likely a digit than not (10-class models: every mark). */
export function isDigitLike(m: Mark): boolean {
  return m.pNone === null || m.pNone < m.confidence;
}

/** The model's own call on a mark: a digit, or NONE when "not a digit" is more likely. */
export function modelCall(m: Pick<Mark, 'predicted' | 'confidence' | 'pNone'>): { label: number; p: number } {
  return m.pNone !== null && m.pNone > m.confidence ? { label: NONE, p: m.pNone } : { label: m.predicted, p: m.confidence };
}

const odds = (pNone: number) => (1 - pNone) / Math.max(pNone, 1e-9);

export function assignLabel(input: LabelInput, marks: readonly Mark[]): Assignment {
  const sorted = [...marks].sort((a, b) => a.position - b.position);
  switch (input.kind) {
    case 'none':
      if (sorted.length === 0) return { used: false, label: '', reason: 'I kept no mark of this picture' };
      return { used: true, how: 'none', label: '', labels: sorted.map((m) => ({ position: m.position, label: NONE })), marks: sorted.length };
    case 'mark':
      return assignMark(input.index, input.value, sorted);
    case 'digits':
      return assignDigits(input.label, sorted);
    case 'at':
      return assignAt(input.position, input.value, sorted);
  }
}

function assignDigits(label: string, marks: Mark[]): Assignment {
  const n = label.length;
  const refuse = (reason: string): Assignment => ({ used: false, label, reason });
  const digits = [...label].map(Number);
  if (n === 0 || digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) return refuse('a label is digits only');
  if (marks.length === 0) return refuse('I kept no mark of this picture to put it on');
  const on = (chosen: Mark[], how: How): Assignment => ({ used: true, how, label, labels: chosen.map((m, i) => ({ position: m.position, label: digits[i]! })), marks: marks.length });
  const digitLike = marks.filter(isDigitLike);
  // the answer's own marks first: a digit-like mark it left out (off the row of its digits) is not
  // one the label is about
  const read = marks.filter((m) => m.kind === 'read');
  const placed = read.length === n && read.every(isDigitLike) ? read : digitLike.length === n ? digitLike : null;
  if (placed) {
    if (n === 1 && placed[0]!.predicted === digits[0]) return { used: true, how: 'single', label, labels: oneDigitAmong(marks, placed[0]!.position, digits[0]!), marks: marks.length };
    return on(placed, n === 1 ? 'single' : 'number');
  }
  const have = digitLike.length === 1 ? 'I read 1 mark as a digit' : `I read ${digitLike.length} marks as digits`;
  if (marks.length < n) return refuse(`the label has ${count(n, 'digit')} and I saw only ${count(marks.length, 'mark')}`);
  if (marks.some((m) => m.pNone === null)) return refuse(`the label has ${count(n, 'digit')}, ${have}, and this model cannot rank the marks to re-cut them`);
  const ranked = [...marks].sort((a, b) => a.pNone! - b.pNone! || a.position - b.position);
  const next = ranked[n];
  if (next && odds(ranked[n - 1]!.pNone!) < RECUT_MIN_ODDS_RATIO * odds(next.pNone!)) {
    return refuse(`the label has ${count(n, 'digit')}, ${have}, and marks ${Math.min(ranked[n - 1]!.position, next.position) + 1} and ${Math.max(ranked[n - 1]!.position, next.position) + 1} look about as digit-like: I cannot tell which one it is about`);
  }
  const kept = ranked.slice(0, n);
  const unlike = kept.find((m) => m.pNone! >= RECUT_MAX_NONE);
  if (unlike) {
    const which = n === 1 ? 'the most digit-like mark I kept' : `one of the ${n} most digit-like marks I kept`;
    return refuse(`the label has ${count(n, 'digit')}, ${have}, and ${which}, mark ${unlike.position + 1}, is one I am ${(100 * unlike.pNone!).toFixed(1)} % sure is not a digit (an edge, a shadow or a piece of one): if a mark above shows the digit, pick it`);
  }
  return on(kept.sort((a, b) => a.position - b.position), 'recut');
}

function assignMark(index: number, value: number, marks: Mark[]): Assignment {
  const read = marks.filter((m) => m.kind === 'read');
  if (!Number.isInteger(value) || value < 0 || value > NONE) return { used: false, label: '', reason: 'a mark is a digit 0-9 or not a digit' };
  if (!Number.isInteger(index) || index < 0 || index >= read.length) return { used: false, label: '', reason: `I read no digit ${index + 1} in this picture` };
  const labels = read.map((m, i) => ({ position: m.position, label: i === index ? value : (m.label ?? m.predicted) }));
  const label = labels.filter((l) => l.label !== NONE).map((l) => String(l.label)).join('');
  return { used: true, how: 'marks', label, labels, marks: marks.length };
}

function assignAt(position: number, value: number, marks: Mark[]): Assignment {
  const label = String(value);
  if (!Number.isInteger(value) || value < 0 || value > 9) return { used: false, label: '', reason: 'the digit is one of 0-9' };
  if (!marks.some((m) => m.position === position)) return { used: false, label, reason: `there is no mark ${position + 1} in this picture` };
  return { used: true, how: 'at', label, labels: oneDigitAmong(marks, position, value), marks: marks.length };
}

/** The picture shows the one digit `value`, on the mark at `position`: every other mark is not a digit. */
function oneDigitAmong(marks: readonly Mark[], position: number, value: number): { position: number; label: number }[] {
  return marks.map((m) => ({ position: m.position, label: m.position === position ? value : NONE }));
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
