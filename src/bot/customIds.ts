/** custom_id encoding for the feedback components, and typed labels (pure). Kept short: Discord allows 100 chars. */
import { MAX_LABEL_DIGITS } from '../store/feedback.ts';

export { MAX_LABEL_DIGITS };

export type FeedbackAction =
  | { kind: 'confirm'; predictionId: number }
  | { kind: 'pick'; predictionId: number }
  | { kind: 'number'; predictionId: number }
  | { kind: 'modal'; predictionId: number }
  /** "Not a digit": every mark of the picture is not a digit */
  | { kind: 'none'; predictionId: number }
  /** the menu of one digit of a number: `index` is the digit's place among the digits read (0-based) */
  | { kind: 'mark'; predictionId: number; index: number }
  /** "Which mark shows the <digit>?": the picked mark (a value 1..n) is the one digit the picture shows */
  | { kind: 'at'; predictionId: number; digit: number }
  /** a second person agrees with a held label */
  | { kind: 'agree'; predictionId: number };

type Kind = FeedbackAction['kind'];
const PREFIX: Record<Kind, string> = { confirm: 'ok', pick: 'pick', number: 'num', modal: 'modal', none: 'none', mark: 'mark', at: 'at', agree: 'agree' };
const KIND = new Map(Object.entries(PREFIX).map(([k, v]) => [v, k as Kind]));

/** The value the per-digit menus give for "not a digit". */
export const NOT_A_DIGIT_VALUE = 'x';

export function encodeFeedbackId(a: FeedbackAction): string {
  return `fb:${PREFIX[a.kind]}:${a.predictionId}${a.kind === 'mark' ? `:${a.index}` : a.kind === 'at' ? `:${a.digit}` : ''}`;
}

export function decodeFeedbackId(id: string): FeedbackAction | null {
  const m = /^fb:([a-z]+):(\d{1,15})(?::(\d{1,2}))?$/.exec(id);
  const kind = m ? KIND.get(m[1]!) : undefined;
  if (!m || !kind) return null;
  const predictionId = Number(m[2]);
  if (kind === 'mark') return m[3] === undefined ? null : { kind, predictionId, index: Number(m[3]) };
  if (kind === 'at') return m[3] === undefined || !/^[0-9]$/.test(m[3]) ? null : { kind, predictionId, digit: Number(m[3]) };
  if (m[3] !== undefined) return null;
  return { kind, predictionId };
}

/** The picker's value for a mark: its number on the strip (1-based), at most MAX_PICKER_MARKS. */
export const MAX_PICKER_MARKS = 25;

/** The mark (0-based position) a picker value names, or null for anything the picker does not offer. */
export function parseMarkNumber(value: string, marks: number): number | null {
  if (!/^[1-9]\d?$/.test(value)) return null;
  const k = Number(value);
  return k <= Math.min(marks, MAX_PICKER_MARKS) ? k - 1 : null;
}

/** the text input inside the "type the number" modal */
export const MODAL_LABEL_FIELD = 'label';

/** Room to type a label with spaces between the digits (the digits are checked by parseLabel). */
export const LABEL_INPUT_CHARS = 2 * MAX_LABEL_DIGITS;

export type ParsedLabel = { ok: true; label: string } | { ok: false; reason: string };

const NAMED: Record<string, string> = { '-': 'a minus sign (`-`)', '+': 'a plus sign (`+`)', '.': 'a decimal point (`.`)', ',': 'a comma (`,`)' };

/**
 * A label typed by a user: the digits the picture shows, left to right, 1 to MAX_LABEL_DIGITS of
 * them; spaces between them are dropped. Anything else is refused with the reason (`-5` is not
 * 5, `1.5` is not 15, `1,000` is not 1000).
 */
export function parseLabel(input: string): ParsedLabel {
  const shown = input.trim();
  const bad = [...shown].find((c) => !/[\d\s]/.test(c));
  if (bad !== undefined) {
    return { ok: false, reason: `A label is digits and spaces only: \`${shown.slice(0, 40)}\` has ${NAMED[bad] ?? `\`${bad}\``}.` };
  }
  const digits = shown.replace(/\s+/g, '');
  if (digits === '') return { ok: false, reason: 'Type the digits the picture shows, e.g. `7` or `2024`.' };
  if (digits.length > MAX_LABEL_DIGITS) return { ok: false, reason: `A label is at most ${MAX_LABEL_DIGITS} digits; this one has ${digits.length}.` };
  return { ok: true, label: digits };
}
