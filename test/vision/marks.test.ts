/**
 * Per-mark decisions with an 11-class model (a stand-in here: it calls a mark "not a digit" when
 * its ink is wider than tall, else a 1): marks it drops do not refuse the picture, the rest are
 * read left to right, and the hand-set shape rules are not applied.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { DigitClassifier } from '../../src/model/classifier.ts';
import { inWriting, readDigits } from '../../src/vision/read.ts';
import { marginLineJpeg, nonDigit } from './fixtures.ts';

/** An 11-class stand-in: each 28×28 image gets the class `classOf` picks at `p`, the rest spread evenly. */
function byRule(name: string, p: number, classOf: (image: Float32Array) => number): DigitClassifier & { classes: string[] } {
  return {
    name,
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'none'],
    predictProbs(images: Float32Array, n: number): Float32Array {
      const out = new Float32Array(n * 11);
      for (let i = 0; i < n; i++) {
        out.fill((1 - p) / 10, i * 11, i * 11 + 11);
        out[i * 11 + classOf(images.subarray(i * 784, (i + 1) * 784))] = p;
      }
      return out;
    },
  };
}

function elevenClass(pDigit = 0.98): DigitClassifier & { classes: string[] } {
  return byRule('fake-11', pDigit, (image) => {
    let x0 = 28, x1 = -1, y0 = 28, y1 = -1;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        if (image[y * 28 + x] > 0.5) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
    }
    return x1 - x0 > y1 - y0 ? 10 : 1;
  });
}

const picture = (body: string) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"><rect width="600" height="300" fill="white"/>${body}</svg>`)).png().toBuffer();
const stroke = (x: number) => `<path d="M${x} 60 L${x} 230" stroke="black" stroke-width="14" stroke-linecap="round"/>`;
const bar = (x: number) => `<path d="M${x} 150 L${x + 120} 150" stroke="black" stroke-width="14" stroke-linecap="round"/>`;

/** Calls a mark whose ink spans at most `narrow` columns of the 28×28 "not a digit", any other a `digit` at `p`. */
function narrowIsNone(digit: number, p: number, narrow = 6): DigitClassifier & { classes: string[] } {
  return byRule('fake-11-narrow', p, (image) => {
    let columns = 0;
    for (let x = 0; x < 28; x++) {
      let ink = false;
      for (let y = 0; y < 28; y++) ink ||= image[y * 28 + x] > 0.5;
      if (ink) columns++;
    }
    return columns <= narrow ? 10 : digit;
  });
}

describe('an 11-class model decides per mark', () => {
  it('a look again that is not sure answers "not sure" and keeps its marks, not the first look\'s', async () => {
    // first look: the margin line and the 0 are one tall mark, "not a digit"; with every line out
    // the 0 alone is a 7 at 60 %: below the look again's 0.8, so a refusal — but one that asks
    const r = await readDigits(await marginLineJpeg('0'), narrowIsNone(7, 0.6));
    expect(r.noDigit).toBe(true);
    expect(r.reason).toBe('not sure it is a digit (best guess 7 at 60%)');
    expect(r.marks?.length).toBeGreaterThan(0);
    expect(r.marks!.every((m) => m.box.height < 300)).toBe(true);
  });

  it('drops the marks it calls "not a digit" and reads the rest left to right', async () => {
    const r = await readDigits(await picture(stroke(100) + bar(200) + stroke(450)), elevenClass());
    expect(r.noDigit).toBe(false);
    expect(r.digits).toBe('11');
    expect(r.perDigit.map((d) => d.notDigit! < 0.1)).toEqual([true, true]);
  });

  it('answers "no digit" with a reason when every mark is not a digit', async () => {
    const r = await readDigits(await picture(bar(100) + bar(350)), elevenClass());
    expect(r.noDigit).toBe(true);
    expect(r.reason).toMatch(/none of the 2 marks I see is a digit/);
    expect(r.candidates).toHaveLength(2);
  });

  it('a lone wide mark is not refused by the "wider than tall" rule but by the model', async () => {
    const r = await readDigits(await picture(bar(250)), elevenClass());
    expect(r.reason).toBe('no digit found: the one mark I see is not a digit');
  });

  it('an unsure digit is answered "not sure", not read', async () => {
    const r = await readDigits(await picture(stroke(300)), elevenClass(0.3));
    expect(r.noDigit).toBe(true);
    expect(r.reason).toMatch(/not sure/);
  });

  it('many marks are not refused: the longest are classified, the rest ignored', async () => {
    // 40 wide blocks in a row (more than 3 × maxDigits = 36 marks), then a tall stroke more than
    // its height away (so not a digit in writing)
    const blocks = Array.from({ length: 40 }, (_, k) => `<rect x="${20 + 76 * k}" y="115" width="66" height="60" fill="black"/>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="3300" height="300"><rect width="3300" height="300" fill="white"/>${blocks}${stroke(3260)}</svg>`;
    const r = await readDigits(await sharp(Buffer.from(svg)).png().toBuffer(), elevenClass());
    expect(r.reason).toBeUndefined();
    expect(r.digits).toBe('1');
    expect(r.marks).toHaveLength(36);
    expect(r.marks!.at(-1)!.notDigit).toBeLessThan(0.1); // the stroke, rightmost
  });

  it('noise is still refused before the model: hundreds of separate marks, or a picture of random pixels', async () => {
    const dots = Array.from({ length: 150 }, (_, k) => `<circle cx="${20 + (k % 15) * 38}" cy="${25 + Math.floor(k / 15) * 27}" r="5" fill="black"/>`).join('');
    const confetti = await picture(dots);
    const model = elevenClass();
    const r = await readDigits(confetti, model);
    expect(r.noDigit).toBe(true);
    expect(r.reason).toMatch(/too many separate marks/);
    const noise = await readDigits(await nonDigit('noise'), model);
    expect(noise.noDigit).toBe(true);
    expect(noise.reason).toMatch(/^not a digit/);
  });
});

describe('a digit in writing', () => {
  // a "W": as tall as the stroke, wider than tall, so the stand-in model calls it "not a digit"
  const letterW = (x: number) => `<path d="M${x} 60 L${x + 50} 230 L${x + 100} 110 L${x + 150} 230 L${x + 200} 60" fill="none" stroke="black" stroke-width="14" stroke-linejoin="round"/>`;
  const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
  const mark = (b: ReturnType<typeof box>) => ({ digit: 1, confidence: 0.9, top3: [], image: new Float32Array(784), box: b });

  it('a digit between letter-sized marks the model drops is not answered as a number', async () => {
    const r = await readDigits(await picture(letterW(20) + stroke(300) + letterW(380)), elevenClass());
    expect(r.noDigit).toBe(true);
    expect(r.reason).toMatch(/looks like writing/);
  });

  it('a dropped line, a speck or a far mark does not make a digit writing', () => {
    const digit = mark(box(100, 100, 40, 100));
    expect(inWriting([digit], [mark(box(150, 110, 80, 90))])).toBe(true); // a letter beside it
    expect(inWriting([digit], [mark(box(150, 180, 120, 12))])).toBe(false); // a flat line at its foot
    expect(inWriting([digit], [mark(box(145, 150, 10, 10))])).toBe(false); // a speck
    expect(inWriting([digit], [mark(box(400, 110, 80, 90))])).toBe(false); // far away on the line
    expect(inWriting([digit], [mark(box(150, 300, 80, 90))])).toBe(false); // below, not on its line
    expect(inWriting([digit], [mark(box(0, 0, 900, 600))])).toBe(false); // a page edge, much taller
    // a lowercase letter read as a digit between capitals about twice its height ("EcF")
    const c = mark(box(100, 150, 50, 50));
    expect(inWriting([c], [mark(box(160, 105, 60, 100))])).toBe(true);
    expect(inWriting([c], [mark(box(160, 35, 60, 120))])).toBe(false); // over 2.2 times its height
  });
});
