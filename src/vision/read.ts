/**
 * The entry point: picture bytes + a classifier → the digits read. Decode (sharp) → analyse
 * (pure typed-array steps) → classify → trust or refuse. Throws only ImageRejectedError.
 *
 * Two ways to decide "no digit": a 10-class model is guarded by the hand-set rules of reject.ts
 * and the novelty gate; an 11-class model decides per mark — every candidate mark is classified,
 * the ones it calls "not a digit" are dropped, the rest are the answer, left to right.
 */
import type { DigitClassifier } from '../model/classifier.ts';
import { decodeImage } from './decode.ts';
import { loadMorphologyKernels } from './morphologyWasm.ts';
import { analyse, type Analysis, type LookOptions } from './pipeline.ts';
import { otherPolarity, wideWindow, type LookBase, type StepTimer } from './normalise.ts';
import { confidenceVerdict, looksSolid, noveltyVerdict, tooManyMarks } from './reject.ts';
import { defaultNoveltyIndex, noveltyScore } from './novelty.ts';
import { resolveOptions, type VisionOptions } from './options.ts';
import { readSegments } from './touching.ts';
import { boxIntersection, boxIoU, type Box } from './raster.ts';
import { ImageRejectedError, type DigitReading, type Reading } from './types.ts';

export async function readDigits(
  bytes: Buffer,
  classifier: DigitClassifier,
  options: Partial<VisionOptions> = {},
  lap?: StepTimer,
): Promise<Reading> {
  const started = performance.now();
  const opts = resolveOptions(options);
  const checkBudget = (): void => {
    if (performance.now() - started > opts.timeBudgetMs) {
      throw new ImageRejectedError(`Reading the picture took longer than ${opts.timeBudgetMs} ms.`, 'timeout');
    }
  };
  try {
    const [decoded] = await Promise.all([decodeImage(bytes, opts), loadMorphologyKernels()]);
    lap?.('decode');
    checkBudget();
    const learned = knowsNone(classifier);
    const analysis = analyse(decoded.image, opts, learned, lap);
    checkBudget();
    const toOriginal = decoded.originalWidth / decoded.image.width;
    const readings = await classify(analysis, classifier, toOriginal, opts);
    lap?.('classify');
    checkBudget();
    if (learned) {
      const first = decideByMarks(analysis, readings, opts);
      const atEdge = (r: Reading): boolean => onlyAtEdge(r, decoded.originalWidth, decoded.originalHeight, toOriginal / 2);
      // an answer read only on marks cut by the picture's edge (a desk, a page edge or a shadow
      // running out of the photo) stands unless a look again reads digits elsewhere in the picture
      const doubtful = !first.noDigit && atEdge(first);
      const elsewhere = (r: Reading): boolean => !doubtful || r.perDigit.every((d) => first.perDigit.every((e) => boxIntersection(d.box, e.box) === 0));
      // What a look again reads must be surer than a first look's answer (marks near the noise
      // or pieces of lines are easy to misread), and not only on marks cut by the edge.
      const sure = (r: Reading): boolean =>
        !r.noDigit && r.perDigit.every((d) => d.confidence >= SECOND_LOOK_CONFIDENCE) && !atEdge(r) && elsewhere(r);
      // A refusal keeps the marks of the look that saw the most digit-like one: the person's
      // label lands on them (bot/labelling), and "not sure (best guess 7)" asks for it.
      let refusal = first;
      /**
       * One look again at the same picture (its flattening, polarity and ink maps reused): its
       * answer when sure, else null (kept as the refusal when more digit-like). `worth` may still
       * turn it down once its analysis is made, before its marks are classified.
       */
      const lookAgain = async (more: LookOptions, worth: (again: Analysis) => boolean = () => true, base: LookBase = analysis.norm.base): Promise<Reading | null> => {
        const again = analyse(decoded.image, { ...opts, ...more }, learned, undefined, base);
        if (!worth(again)) return null;
        checkBudget();
        const second = decideByMarks(again, await classify(again, classifier, toOriginal, opts), opts);
        // the picture read the other way round gives an answer or nothing: its refusal speaks of another picture
        if (base !== analysis.norm.base) return sure(second) ? second : null;
        if (sure(second)) return second;
        if (mostDigitLike(second) > mostDigitLike(refusal)) refusal = asRefusal(second);
        return null;
      };
      const wide = wideWindow(decoded.image.width, decoded.image.height);
      /** The picture read the other way round: with the fitted window, then (when that was narrow) with the wide one. */
      const otherWayRound = async (): Promise<Reading | null> => {
        const flipped = otherPolarity(analysis.norm.base);
        let window = Infinity;
        const r = await lookAgain({}, (again) => ((window = again.norm.backgroundWindow), true), flipped);
        // and its strokes hollowed by a window fitted to thin ones, as in the first look
        return r ?? (window < WIDE_LOOK_RATIO * wide ? lookAgain({ wideOnly: true }, () => true, flipped) : null);
      };
      if (!first.noDigit && !doubtful) {
        // only 1s under a window fitted to thin strokes: a marker's thick digit hollowed into an
        // outline leaves one bright side, a 1; the wide window's ink map reads the same marks
        // whole, and a real 1 stays a 1
        if (/^1+$/.test(first.digits) && analysis.norm.backgroundWindow < WIDE_LOOK_RATIO * wide) {
          const r = await lookAgain({ wideOnly: true });
          if (r && sameInk(r, first) && r.digits !== first.digits) return r;
        }
        // an unsure answer on a close call of the polarity: the same marks read the other way
        // round, if sure, are the answer
        if (!closePolarity(analysis) || first.perDigit.every((d) => d.confidence >= SECOND_LOOK_CONFIDENCE)) return first;
        const r = await otherWayRound();
        return r && sameMarks(r, first) ? r : first;
      }
      const noDigitMark = doubtful || seesNoDigitMark(analysis, readings);
      if ((noDigitMark || tooManyMarks(analysis.norm, analysis.segmentation, opts, learned)) && analysis.norm.linesSpared > 0) {
        // a line left in the mask (broken by a shadow, or thickened by a digit lying along it)
        // may be glued to the digit, or its pieces be the many marks: look again with every line out
        const r = await lookAgain({ lines: 'every' });
        if (r) return r;
      }
      if (noDigitMark && analysis.norm.backgroundWindow < WIDE_LOOK_RATIO * wide) {
        // a marker's thick strokes hollowed into outlines by a window fitted to thin ones (grid
        // lines, grain): look again with the wide window's ink map (already made)
        const r = await lookAgain({ wideOnly: true });
        if (r) return r;
      }
      if (worthASecondLook(analysis, readings, opts, doubtful)) {
        // faint ink (pencil) under a threshold a dark desk or a shadow pushed up: look again below it
        const r = await lookAgain({ thresholdBelow: analysis.norm.threshold }, (again) => again.norm.threshold <= analysis.norm.threshold - SECOND_LOOK_MIN_DROP);
        if (r) return r;
      }
      if (closePolarity(analysis)) {
        // the ink may be the other way round (a faint or very thick stroke, a vignette darkening the border)
        const r = await otherWayRound();
        if (r) return r;
      }
      return doubtful ? first : refusal;
    }
    const novelty = await noveltyScores(analysis, readings, opts);
    checkBudget();
    return decide(analysis, readings, novelty, opts);
  } catch (err) {
    if (err instanceof ImageRejectedError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new ImageRejectedError(`Something went wrong while reading this picture (${detail}).`, 'internal');
  }
}

/** Light ink decided by top-hats closer than this log ratio (or by the border with them as close) is a close call. */
const CLOSE_POLARITY = 2.5;

/**
 * Light ink on dark was a close call: dark ink on light paper is worth a look when it finds no
 * digit (a faint pencil or a marker wider than the top-hats' windows, a vignette or a desk
 * darkening the border that decided). Not the other way round: on the dev split that read the
 * outlines of shapes and words as 1s and no digit more.
 */
function closePolarity(a: Analysis): boolean {
  const p = a.norm.polarity;
  return !a.norm.alphaIsInk && p.polarity === 'light-on-dark' && Math.abs(p.skew) < CLOSE_POLARITY;
}

/** The wide look again only when the first look's window was under this fraction of the wide one. */
const WIDE_LOOK_RATIO = 0.5;

/** A second look is only worth it when its threshold is at least this much lower. */
const SECOND_LOOK_MIN_DROP = 0.03;
/** What a second look reads must be surer than a first look's answer (marks near the noise are easy to misread). */
const SECOND_LOOK_CONFIDENCE = 0.8;

/**
 * "No digit" because nothing digit-like was inked — no mark at all (a blank picture, not one of
 * ink), or every mark "not a digit" — with room below the threshold: not noise, a page of ink or
 * writing, whose verdicts a lower threshold would not change.
 */
function worthASecondLook(a: Analysis, readings: readonly DigitReading[], opts: VisionOptions, doubtful: boolean): boolean {
  const blank = a.segmentation.segments.length === 0 && a.norm.inkFraction <= opts.maxInkFraction;
  return (blank || doubtful || seesNoDigitMark(a, readings)) && a.norm.threshold > opts.minInkContrast + SECOND_LOOK_MIN_DROP;
}

/**
 * `a` reads the ink `b` read, perhaps joined: each of b's digits lies (by 80 % of its box) in one of
 * a's, and each of a's holds one of b's (no digit read elsewhere).
 */
function sameInk(a: Reading, b: Reading): boolean {
  const inside = (inner: Box, outer: Box) => boxIntersection(inner, outer) >= 0.8 * inner.width * inner.height;
  return b.perDigit.every((d) => a.perDigit.some((e) => inside(d.box, e.box))) && a.perDigit.every((e) => b.perDigit.some((d) => inside(d.box, e.box)));
}

/** Two answers read the same marks: as many digits, each box overlapping its counterpart's by half their union. */
function sameMarks(a: Reading, b: Reading): boolean {
  return a.perDigit.length === b.perDigit.length && a.perDigit.every((d, i) => boxIoU(d.box, b.perDigit[i]!.box) >= 0.5);
}

/**
 * Every digit of an answer is a mark cut by the picture's edge (boxes in the original picture's
 * pixels, within `slack` of them: half a working pixel, the boxes' rounding): with nothing read
 * inside the picture, it is as likely a desk, a page edge or a shadow as a digit.
 */
export function onlyAtEdge(r: Reading, width: number, height: number, slack: number): boolean {
  return (
    !r.noDigit &&
    r.perDigit.every(({ box: b }) => b.x <= slack || b.y <= slack || b.x + b.width >= width - slack || b.y + b.height >= height - slack)
  );
}

/** How digit-like the most digit-like mark of a reading is: 1 − p("not a digit"), 0 without marks. */
function mostDigitLike(r: Reading): number {
  return (r.marks ?? []).reduce((m, d) => Math.max(m, 1 - (d.notDigit ?? 0)), 0);
}

/** A look again's answer that was not sure enough to give, as a refusal that says so (its marks kept). */
function asRefusal(r: Reading): Reading {
  if (r.noDigit) return r;
  const least = r.perDigit.reduce((a, d) => (d.confidence < a.confidence ? d : a));
  const reason = confidenceVerdict(least.digit, least.confidence, { minConfidence: SECOND_LOOK_CONFIDENCE }) ?? 'not sure it is a digit';
  return { digits: '', confidence: 0, perDigit: [], noDigit: true, reason, polarity: r.polarity, candidates: r.marks, marks: r.marks };
}

/** Marks were read (not noise, not a page of ink) and the model called every one "not a digit". */
function seesNoDigitMark(a: Analysis, readings: readonly DigitReading[]): boolean {
  return a.reason === null && !readings.some(isDigitMark);
}

/** A mark the 11-class model thinks more likely a digit than not. */
export const isDigitMark = (r: DigitReading): boolean => (r.notDigit ?? 0) < r.confidence;

/** The classifier has an 11th output, "not a digit". */
export function knowsNone(classifier: DigitClassifier): boolean {
  return classifier.classes?.length === 11;
}

/** Every mark of a look classified, boxes in the original picture's pixels (`toOriginal`: its scale). */
export async function classify(a: Analysis, classifier: DigitClassifier, toOriginal: number, opts: VisionOptions): Promise<DigitReading[]> {
  return (await readSegments(a, classifier, opts)).map(({ digit: d, probs }) => {
    // the digits ranked among themselves; "not a digit" is reported beside them
    const order = Array.from(probs.subarray(0, 10), (p, digit) => ({ digit, p })).sort((x, y) => y.p - x.p);
    // a 0 read on a filled shape is the ring the ink map made of it: not a digit
    const ring = probs.length > 10 && order[0].digit === 0 && probs[10] < order[0].p && looksSolid(d.box, a.norm, opts);
    return {
      digit: order[0].digit,
      confidence: order[0].p,
      top3: order.slice(0, 3),
      ...(probs.length > 10 ? { notDigit: ring ? 1 : probs[10] } : {}),
      image: d.image,
      box: {
        x: Math.round(d.box.x * toOriginal),
        y: Math.round(d.box.y * toOriginal),
        width: Math.round(d.box.width * toOriginal),
        height: Math.round(d.box.height * toOriginal),
      },
    };
  });
}

/** Distance of each digit image to the nearest MNIST prototype; empty when the gate is off. */
async function noveltyScores(a: Analysis, readings: DigitReading[], opts: VisionOptions): Promise<number[]> {
  if (!Number.isFinite(opts.maxNovelty) || a.reason || readings.length === 0) return [];
  const index = await defaultNoveltyIndex();
  return index ? readings.map((r) => noveltyScore(index, r.image)) : [];
}

function decide(a: Analysis, readings: DigitReading[], novelty: number[], opts: VisionOptions): Reading {
  const polarity = a.norm.polarity.polarity;
  let reason = a.reason;
  for (const s of novelty) reason ??= noveltyVerdict(s, opts);
  if (!reason) {
    for (const r of readings) {
      reason = confidenceVerdict(r.digit, r.confidence, opts);
      if (reason) break;
    }
  }
  const scored = readings.map((r, i) => (novelty[i] === undefined ? r : { ...r, novelty: novelty[i] }));
  if (reason) return { digits: '', confidence: 0, perDigit: [], noDigit: true, reason, polarity, candidates: scored, marks: scored };
  return {
    digits: readings.map((r) => String(r.digit)).join(''),
    confidence: readings.reduce((p, r) => p * r.confidence, 1),
    perDigit: scored,
    noDigit: false,
    polarity,
    marks: scored,
  };
}

/**
 * An 11-class model's answer: marks it calls "not a digit" (more likely than any digit) are
 * dropped; the others are the digits, left to right. One threshold (`minMarkConfidence`) on each
 * remaining digit's probability; below it the picture is answered "not sure" rather than wrong.
 */
function decideByMarks(a: Analysis, readings: DigitReading[], opts: Pick<VisionOptions, 'minMarkConfidence' | 'maxDigits'>): Reading {
  const polarity = a.norm.polarity.polarity;
  const refuse = (reason: string): Reading => ({ digits: '', confidence: 0, perDigit: [], noDigit: true, reason, polarity, candidates: readings, marks: readings });
  if (a.reason) return refuse(a.reason);
  const digits = oneRow(readings.filter(isDigitMark));
  if (digits.length === 0) {
    return refuse(readings.length === 1 ? 'no digit found: the one mark I see is not a digit' : `no digit found: none of the ${readings.length} marks I see is a digit`);
  }
  if (digits.length > opts.maxDigits) return refuse(`not a number: more than ${opts.maxDigits} digits (text?)`);
  if (inWriting(digits, readings.filter((r) => !digits.includes(r)))) return refuse('no digit found: this looks like writing (letters beside it), not a number');
  for (const r of digits) {
    const why = confidenceVerdict(r.digit, r.confidence, { minConfidence: opts.minMarkConfidence });
    if (why) return refuse(why);
  }
  return {
    digits: digits.map((r) => String(r.digit)).join(''),
    confidence: digits.reduce((p, r) => p * r.confidence, 1),
    perDigit: digits,
    noDigit: false,
    polarity,
    marks: readings,
  };
}

/**
 * The digits of a number sit on one row: marks joined by overlapping vertically (transitively, so
 * a tilted row holds) are a row; when the digit marks make several rows, the one holding the
 * tallest mark is the answer and the rest (a piece of the desk's grain or of a line far above
 * or below the digit) are left out (pure).
 */
export function oneRow(digits: readonly DigitReading[]): DigitReading[] {
  if (digits.length < 2) return [...digits];
  const row = new Set<DigitReading>([digits.reduce((t, d) => (d.box.height > t.box.height ? d : t))]);
  const overlaps = (a: DigitReading, b: DigitReading) => Math.min(a.box.y + a.box.height, b.box.y + b.box.height) > Math.max(a.box.y, b.box.y);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of digits) {
      if (!row.has(d) && [...row].some((r) => overlaps(r, d))) {
        row.add(d);
        grew = true;
      }
    }
  }
  return digits.filter((d) => row.has(d));
}

/**
 * A mark of about a digit's height beside it on its line: the size of a letter (or digit) in the
 * same writing — up to a capital beside a lowercase letter read as a digit (the "c" of "EcF").
 */
const LETTER_HEIGHT = { min: 0.3, max: 2.2 };
/** "Beside": the gap between the boxes is at most this many digit heights. */
const LETTER_GAP = 1;

/**
 * A digit read between marks the model calls "not a digit" but that have its size and sit on its
 * line: the picture is writing (an "O" in "WOW", the "y" of "Bye"), or a number one of whose digits
 * was not recognised — either way, answering the digit alone would be wrong.
 */
export function inWriting(digits: readonly DigitReading[], dropped: readonly DigitReading[]): boolean {
  return digits.some((d) =>
    dropped.some((n) => {
      const h = d.box.height;
      if (n.box.height < LETTER_HEIGHT.min * h || n.box.height > LETTER_HEIGHT.max * h || n.box.width < LETTER_HEIGHT.min * h) return false;
      const overlap = Math.min(d.box.y + h, n.box.y + n.box.height) - Math.max(d.box.y, n.box.y);
      if (overlap < 0.5 * Math.min(h, n.box.height)) return false;
      const gap = Math.max(n.box.x - (d.box.x + d.box.width), d.box.x - (n.box.x + n.box.width));
      return gap <= LETTER_GAP * h;
    }),
  );
}
