/**
 * Counting for `npm run pipeline-accuracy`: what the whole pipeline answered for labelled
 * pictures, per kind and per hazard. One rule, stated once: a digit picture is "right" only when
 * the answer string equals the label exactly; a refusal ("no digit found", or a file refused) is
 * never right. A picture without a label is "no digit" when refused, "read" when answered.
 */
import type { DigitClassifier } from '../model/classifier.ts';
import { readDigits } from '../vision/read.ts';
import { ImageRejectedError } from '../vision/types.ts';
import type { VisionOptions } from '../vision/options.ts';

/** What the pipeline said about one picture. */
export type Outcome = { answer: string; reason?: undefined } | { answer?: undefined; reason: string };

/** One labelled picture and its outcome. `label` null: the picture holds no digit. */
export interface Case {
  id: string;
  label: string | null;
  kind: string;
  hazards: readonly string[];
  outcome: Outcome;
}

export interface DigitCounts {
  n: number;
  right: number;
  wrong: number;
  refused: number;
}

export interface NonDigitCounts {
  n: number;
  /** answered "no digit" (or the file refused): the right outcome */
  noDigit: number;
  /** answered with digits */
  read: number;
}

export interface Row {
  digits: DigitCounts;
  nonDigits: NonDigitCounts;
}

export interface Failure {
  id: string;
  label: string | null;
  answer: string | null;
  reason: string | null;
}

export interface Tally {
  total: Row;
  byKind: Record<string, Row>;
  byHazard: Record<string, Row>;
  /** Refusals of digit pictures by reason (numbers stripped: "not sure it is a digit"). */
  refusalReasons: Record<string, number>;
  /** The first `examples` failures of each kind, in the order seen. */
  failures: Record<string, Failure[]>;
}

const emptyRow = (): Row => ({ digits: { n: 0, right: 0, wrong: 0, refused: 0 }, nonDigits: { n: 0, noDigit: 0, read: 0 } });

/** "not sure it is a digit (best guess 7 at 55%)" → "not sure it is a digit"; "error:unsupported" stays. */
export function reasonKey(reason: string): string {
  return reason.replace(/\s*\(.*\)\s*$/, '').trim();
}

/** Right / wrong / refused (or no digit / read) of one case. */
export function verdict(c: Case): 'right' | 'wrong' | 'refused' | 'noDigit' | 'read' {
  if (c.label === null) return c.outcome.answer === undefined ? 'noDigit' : 'read';
  if (c.outcome.answer === undefined) return 'refused';
  return c.outcome.answer === c.label ? 'right' : 'wrong';
}

function add(row: Row, v: ReturnType<typeof verdict>): void {
  if (v === 'noDigit' || v === 'read') {
    row.nonDigits.n++;
    row.nonDigits[v]++;
  } else {
    row.digits.n++;
    row.digits[v]++;
  }
}

export function tally(cases: Iterable<Case>, examples = 5): Tally {
  const t: Tally = { total: emptyRow(), byKind: {}, byHazard: {}, refusalReasons: {}, failures: {} };
  for (const c of cases) {
    const v = verdict(c);
    add(t.total, v);
    add((t.byKind[c.kind] ??= emptyRow()), v);
    for (const h of new Set(c.hazards)) add((t.byHazard[h] ??= emptyRow()), v);
    if (v === 'refused') {
      const k = reasonKey(c.outcome.reason ?? '');
      t.refusalReasons[k] = (t.refusalReasons[k] ?? 0) + 1;
    }
    if (v === 'wrong' || v === 'refused' || v === 'read') {
      const list = (t.failures[c.kind] ??= []);
      if (list.length < examples) list.push({ id: c.id, label: c.label, answer: c.outcome.answer ?? null, reason: c.outcome.reason ?? null });
    }
  }
  return t;
}

/** Reads one picture with the shipped pipeline; a refused file is an outcome, not an error. */
export async function readOutcome(bytes: Buffer, classifier: DigitClassifier, options: Partial<VisionOptions> = {}): Promise<Outcome> {
  try {
    const r = await readDigits(bytes, classifier, options);
    return r.noDigit ? { reason: r.reason ?? 'no digit found' } : { answer: r.digits };
  } catch (err) {
    if (err instanceof ImageRejectedError) return { reason: `file refused: ${err.code}` };
    throw err;
  }
}

/** A reading with both learned gates open, and the scores those gates look at. */
export interface Scored {
  outcome: Outcome;
  /** lowest per-digit confidence (1 when refused before the model) */
  minConfidence: number;
  /** highest per-digit distance to the MNIST prototypes (0 when refused before the model) */
  maxNovelty: number;
}

/** Reads with the confidence and novelty gates open, so that `gate` can apply any thresholds afterwards. */
export async function readScored(bytes: Buffer, classifier: DigitClassifier): Promise<Scored> {
  try {
    const r = await readDigits(bytes, classifier, { minConfidence: 0, minMarkConfidence: 0, maxNovelty: 1e9 });
    if (r.noDigit) return { outcome: { reason: r.reason ?? 'no digit found' }, minConfidence: 1, maxNovelty: 0 };
    return {
      outcome: { answer: r.digits },
      minConfidence: Math.min(...r.perDigit.map((d) => d.confidence)),
      maxNovelty: Math.max(0, ...r.perDigit.map((d) => d.novelty ?? 0)),
    };
  } catch (err) {
    if (err instanceof ImageRejectedError) return { outcome: { reason: `file refused: ${err.code}` }, minConfidence: 1, maxNovelty: 0 };
    throw err;
  }
}

/** The outcome `readDigits` gives with these two gate thresholds (the reasons are its reasons). */
export function gate(s: Scored, minConfidence: number, maxNovelty: number): Outcome {
  if (s.outcome.answer === undefined) return s.outcome;
  if (s.maxNovelty > maxNovelty) return { reason: 'not a digit: it does not look like handwriting of a digit' };
  if (s.minConfidence < minConfidence) return { reason: 'not sure it is a digit' };
  return s.outcome;
}

/** "97.3%" of a count, or "-" for none. */
export function pct(a: number, b: number, decimals = 1): string {
  return b ? `${((100 * a) / b).toFixed(decimals)}%` : '-';
}

/** The readable table: one line per row name. */
export function formatRows(title: string, rows: Record<string, Row>): string[] {
  const out = [
    `${title.padEnd(18)} ${'digits'.padStart(6)} ${'right'.padStart(13)} ${'wrong'.padStart(13)} ${'refused'.padStart(13)}   ${'non-digits'.padStart(10)} ${'"no digit"'.padStart(13)} ${'read'.padStart(13)}`,
  ];
  const cell = (a: number, b: number): string => `${a} ${pct(a, b).padStart(6)}`.padStart(13);
  for (const [name, r] of Object.entries(rows)) {
    const d = r.digits;
    const nd = r.nonDigits;
    out.push(
      `${name.padEnd(18)} ${String(d.n).padStart(6)} ${d.n ? cell(d.right, d.n) : '-'.padStart(13)} ${d.n ? cell(d.wrong, d.n) : '-'.padStart(13)} ${d.n ? cell(d.refused, d.n) : '-'.padStart(13)}   ${String(nd.n).padStart(10)} ${nd.n ? cell(nd.noDigit, nd.n) : '-'.padStart(13)} ${nd.n ? cell(nd.read, nd.n) : '-'.padStart(13)}`,
    );
  }
  return out;
}
