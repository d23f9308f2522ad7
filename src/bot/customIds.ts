/** custom_id encoding for the feedback components (pure). Kept short: Discord allows 100 chars. */

export type FeedbackAction =
  | { kind: 'confirm'; predictionId: number }
  | { kind: 'pick'; predictionId: number }
  | { kind: 'number'; predictionId: number }
  | { kind: 'modal'; predictionId: number };

const PREFIX: Record<FeedbackAction['kind'], string> = { confirm: 'fb:ok', pick: 'fb:pick', number: 'fb:num', modal: 'fb:modal' };

export function encodeFeedbackId(a: FeedbackAction): string {
  return `${PREFIX[a.kind]}:${a.predictionId}`;
}

export function decodeFeedbackId(id: string): FeedbackAction | null {
  const m = /^fb:(ok|pick|num|modal):(\d{1,15})$/.exec(id);
  if (!m) return null;
  const predictionId = Number(m[2]);
  const kind = ({ ok: 'confirm', pick: 'pick', num: 'number', modal: 'modal' } as const)[m[1] as 'ok' | 'pick' | 'num' | 'modal'];
  return { kind, predictionId };
}

/** the text input inside the "type the number" modal */
export const MODAL_LABEL_FIELD = 'label';

/** A label typed by a user: digits only (spaces ignored), 1 to 32 of them. */
export function parseLabel(input: string): string | null {
  const s = input.replace(/[\s,._-]/g, '');
  return /^\d{1,32}$/.test(s) ? s : null;
}
