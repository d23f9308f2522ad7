/**
 * The marks of a reading as the bot stores and shows them (pure): every mark the model
 * classified, left to right, each either read as a digit or dropped as "not a digit". A label
 * lands on these (store/assign.ts); the answer shows them (markStrip.ts).
 */
import type { StoredMark } from '../store/predictions.ts';
import type { Sample } from '../store/samples.ts';
import type { DigitReading, Reading } from '../vision/types.ts';

/** At most this many marks are kept per picture (the reader hands at most 3 × maxDigits to the model). */
export const MAX_MARKS = 36;

/** What the answer shows of one mark. */
export interface ShownMark {
  image: Float32Array;
  read: boolean;
}

export function marksOf(r: Reading): StoredMark[] {
  const all = r.marks ?? (r.noDigit ? (r.candidates ?? []) : r.perDigit);
  const read = new Set(r.noDigit ? [] : r.perDigit);
  // a reader without `marks` lists only the digits read: those are all there is
  return all.slice(0, MAX_MARKS).map((m) => storedMark(m, read.has(m) ? 'read' : 'candidate'));
}

/** One mark the model classified, as the store keeps it. */
export function storedMark(m: DigitReading, kind: 'read' | 'candidate'): StoredMark {
  return { digit: m.digit, confidence: m.confidence, image: m.image, kind, ...(m.notDigit !== undefined ? { pNone: m.notDigit } : {}), box: m.box };
}

export function shownMarks(marks: readonly { image: Float32Array; kind?: 'read' | 'candidate' }[]): ShownMark[] {
  return marks.map((m) => ({ image: m.image, read: (m.kind ?? 'read') === 'read' }));
}

/** The stored samples of a prediction, as the answer shows them. */
export function shownSamples(samples: readonly Sample[]): ShownMark[] {
  return [...samples].sort((a, b) => a.position - b.position).map((s) => ({ image: s.image, read: s.kind === 'read' }));
}
