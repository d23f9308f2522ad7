/**
 * A label-guided look (issue 13): the person says which digits a picture shows, and the reader
 * looks at it again, knowing them, for the marks that show them. The answer's marks come from
 * one look; a digit the first look cut into pieces, glued to a line or hollowed into an outline
 * is often whole in another look (every line out, the wide window, fainter ink, together). A label
 * on the answer's marks would land on a piece, an edge or a shadow; this finds the mark the
 * model itself reads as the label's digit, so the correction teaches the digit.
 *
 * A single digit `d`: of every look's marks, the one the model gives the highest p(d), when
 * p(d) ≥ GUIDED_MIN_P. A number of n digits: the look whose digit-like marks are n, left to
 * right, with the highest lowest p(label digit), when that is ≥ GUIDED_MIN_P. Otherwise null
 * (the label lands on the answer's marks as before: store/assign.ts).
 */
import type { DigitClassifier } from '../model/classifier.ts';
import { decodeImage } from './decode.ts';
import { loadMorphologyKernels } from './morphologyWasm.ts';
import { analyse, type Analysis, type LookOptions } from './pipeline.ts';
import { resolveOptions, type VisionOptions } from './options.ts';
import { classify, isDigitMark, knowsNone } from './read.ts';
import type { DigitReading } from './types.ts';

/**
 * The lowest p(label digit) a guided mark may have. Chosen on the bench-learning style's pictures
 * 10000-10599 of the dev seed (not the 0-599 the bench quotes), 49 of them read wrong: with the
 * four looks again of read.ts, the best mark at p ≥ 0.25 was on the drawn digit 26 times and
 * elsewhere never, below it no mark was sure enough 23 times (a 7 read as a 1 at p(7) 0.06, whose
 * answer mark then takes the label; a fragment or an edge at p < 0.01); with the two fainter-ink
 * looks added, 34 on the drawn digit, 1 elsewhere (a 7 read as a 1: another mark at p(7) 0.31),
 * 14 not sure enough. Two close marks joined into one were also tried: they found 2 more with the
 * four looks, none with the six, and were dropped.
 */
export const GUIDED_MIN_P = 0.25;

/** A mark the model is this sure is not a digit never takes a label (a ring made of a solid shape). */
const GUIDED_MAX_NONE = 0.9;

/** The looks after the first: the looks again read.ts may take, and fainter ink with every line out and the wide window together. */
const LOOKS_AGAIN: readonly { name: string; options: (first: Analysis) => LookOptions }[] = [
  { name: 'every line out', options: () => ({ lines: 'every' }) },
  { name: 'wide window', options: () => ({ wideOnly: true }) },
  { name: 'every line out, wide window', options: () => ({ lines: 'every', wideOnly: true }) },
  { name: 'fainter ink', options: (first) => ({ thresholdBelow: first.norm.threshold }) },
  { name: 'fainter ink, every line out, wide window', options: (first) => ({ thresholdBelow: first.norm.threshold, lines: 'every', wideOnly: true }) },
];

export interface GuidedMarks {
  /** the marks that show the label's digits, left to right (their 28×28 images, boxes in the picture's pixels) */
  marks: DigitReading[];
  /** p(label digit) of each */
  p: number[];
  /** which look found them ('first', 'every line out', …) */
  look: string;
}

/** p(`digit`) of a mark (its top 3; a digit outside them is below 0.25 whenever GUIDED_MIN_P is). */
export function pOf(m: DigitReading, digit: number): number {
  return m.top3.find((t) => t.digit === digit)?.p ?? 0;
}

/** The label's marks among the looks' marks (pure): see the file's comment. */
export function chooseGuided(looks: readonly { look: string; marks: readonly DigitReading[] }[], label: string): GuidedMarks | null {
  const digits = [...label].map(Number);
  if (digits.length === 0 || digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) return null;
  const fit = (m: DigitReading) => (m.notDigit ?? 0) < GUIDED_MAX_NONE;
  let best: GuidedMarks | null = null;
  let score = GUIDED_MIN_P;
  for (const { look, marks } of looks) {
    if (digits.length === 1) {
      for (const m of marks.filter(fit)) {
        const p = pOf(m, digits[0]!);
        if (p >= score && (best === null || p > score)) [best, score] = [{ marks: [m], p: [p], look }, p];
      }
      continue;
    }
    const read = marks.filter((m) => fit(m) && isDigitMark(m)).sort((a, b) => a.box.x - b.box.x);
    if (read.length !== digits.length) continue;
    const p = read.map((m, i) => pOf(m, digits[i]!));
    const low = Math.min(...p);
    if (low >= score && (best === null || low > score)) [best, score] = [{ marks: read, p, look }, low];
  }
  return best;
}

/**
 * Reads `bytes` in every look and returns the marks that show `label`, or null (an 11-class
 * model only: a 10-class one cannot tell a digit-like mark). Throws what readDigits throws.
 */
export async function lookForLabel(bytes: Buffer, classifier: DigitClassifier, label: string, options: Partial<VisionOptions> = {}): Promise<GuidedMarks | null> {
  if (!knowsNone(classifier)) return null;
  const opts = resolveOptions(options);
  const [decoded] = await Promise.all([decodeImage(bytes, opts), loadMorphologyKernels()]);
  const toOriginal = decoded.originalWidth / decoded.image.width;
  const looks: { look: string; marks: DigitReading[] }[] = [];
  const take = async (look: string, a: Analysis): Promise<void> => {
    // noise or a page of ink: its marks were not cut (segments beyond the cap)
    if (a.digits.length > 0) looks.push({ look, marks: await classify(a, classifier, toOriginal, opts) });
  };
  const first = analyse(decoded.image, opts, true);
  await take('first', first);
  // each look again reuses the first look's flattening, polarity and ink maps (one analysis alive at a time)
  for (const { name, options: more } of LOOKS_AGAIN) await take(name, analyse(decoded.image, { ...opts, ...more(first) }, true, undefined, first.norm.base));
  return chooseGuided(looks, label);
}

