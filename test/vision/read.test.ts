/** readDigits end to end with a stand-in classifier: the Reading contract and "nothing crashes the caller". */
import { describe, expect, it } from 'vitest';
import { readDigits } from '../../src/vision/read.ts';
import { DEFAULT_VISION_OPTIONS } from '../../src/vision/options.ts';
import { ImageRejectedError } from '../../src/vision/types.ts';
import type { DigitClassifier } from '../../src/model/classifier.ts';
import { fakeClassifier } from './helpers.ts';
import {
  animatedGif,
  cleanPng,
  decompressionBombPng,
  nonDigit,
  onePixelPng,
  photoJpeg,
  truncatedJpeg,
  type NonDigitKind,
} from './fixtures.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    if (!(err instanceof ImageRejectedError)) return `not an ImageRejectedError: ${String(err)}`;
    // One plain sentence for the user.
    expect(err.message).toMatch(/^[A-Z].*\.$/);
    expect(err.message).not.toMatch(/\n/);
    return err.code;
  }
}

describe('readDigits', () => {
  it('reads a photo of "4096" as four digits with boxes in the original picture', async () => {
    const r = await readDigits(await photoJpeg('4096'), fakeClassifier(3, 0.9));
    expect(r.noDigit).toBe(false);
    expect(r.digits).toBe('3333');
    expect(r.perDigit).toHaveLength(4);
    expect(r.confidence).toBeCloseTo(0.9 ** 4, 5);
    expect(r.polarity).toBe('dark-on-light');
    expect(r.perDigit[0].top3.map((t) => t.digit)[0]).toBe(3);
    // The photo is 1600 px wide, the digits start ~22% in: boxes are in original pixels.
    expect(r.perDigit[0].box.x).toBeGreaterThan(300);
    expect(r.perDigit[3].box.x + r.perDigit[3].box.width).toBeLessThanOrEqual(1600);
    expect(r.perDigit[0].image).toHaveLength(784);
  });

  it('classifies all digits of a picture in one batch', async () => {
    const c = fakeClassifier();
    await readDigits(await cleanPng('123'), c);
    expect([c.calls, c.seen]).toEqual([1, 3]);
  });

  it('an unsure model answers "no digit", with what it saw kept as candidates', async () => {
    const r = await readDigits(await cleanPng('8'), fakeClassifier(8, 0.3));
    expect(r.noDigit).toBe(true);
    expect(r.digits).toBe('');
    expect(r.confidence).toBe(0);
    expect(r.reason).toMatch(/not sure/);
    expect(r.candidates?.[0].digit).toBe(8);
  });

  it.each<NonDigitKind>(['blank', 'blank-photo', 'noise', 'grain', 'text', 'disc', 'square'])(
    '%s → no digit, even with a model that is sure of everything',
    async (kind) => {
      const r = await readDigits(await nonDigit(kind), fakeClassifier(1, 0.99));
      expect(r.noDigit).toBe(true);
      expect(r.digits).toBe('');
      expect(r.reason).toMatch(/^(blank|not a)/);
    },
  );

  it('hostile files are refused with a code, never another error', async () => {
    const c = fakeClassifier();
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), 'empty'],
      [Buffer.from('hello, I am a text file named digit.png'), 'unsupported'],
      [await truncatedJpeg(), 'corrupt'],
      [decompressionBombPng(), 'too-many-pixels'],
      [await onePixelPng(), 'too-small'],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'unsupported'],
    ];
    for (const [bytes, code] of cases) expect(await codeOf(readDigits(bytes, c))).toBe(code);
  });

  it('an animated GIF is read from its first frame', async () => {
    const r = await readDigits(await animatedGif('1', '7'), fakeClassifier(1));
    expect(r.digits).toBe('1');
  });

  it('the limits are options', async () => {
    const png = await cleanPng('1');
    expect(await codeOf(readDigits(png, fakeClassifier(), { maxBytes: 10 }))).toBe('too-large');
    expect(await codeOf(readDigits(png, fakeClassifier(), { maxPixels: 1000 }))).toBe('too-many-pixels');
    expect(await codeOf(readDigits(png, fakeClassifier(), { timeBudgetMs: 0 }))).toBe('timeout');
    expect(DEFAULT_VISION_OPTIONS.maxPixels).toBeGreaterThanOrEqual(12_000_000);
  });

  it('a failing model becomes an "internal" refusal, not a crash', async () => {
    const broken: DigitClassifier = {
      name: 'broken',
      predictProbs: () => {
        throw new RangeError('weights missing');
      },
    };
    expect(await codeOf(readDigits(await cleanPng('2'), broken))).toBe('internal');
  });
});
