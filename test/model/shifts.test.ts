/** The served 11-class model: probabilities averaged over a mark's one-pixel shifts, settled marks left alone. */
import { describe, expect, it } from 'vitest';
import type { DigitClassifier } from '../../src/model/classifier.ts';
import { averagedOverShifts, served } from '../../src/model/shifts.ts';

/** 11 classes: "digit 3" with p = the ink share of the left half of the image, else "not a digit". */
function leftInk(): DigitClassifier & { batches: number[] } {
  return {
    name: 'left-ink',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'none'],
    batches: [],
    predictProbs(images, n) {
      this.batches.push(n);
      const out = new Float32Array(n * 11);
      for (let i = 0; i < n; i++) {
        let left = 0;
        let all = 0;
        for (let p = 0; p < 784; p++) {
          const v = images[i * 784 + p]!;
          all += v;
          if (p % 28 < 14) left += v;
        }
        const p3 = all > 0 ? left / all : 0;
        out[i * 11 + 3] = p3;
        out[i * 11 + 10] = 1 - p3;
      }
      return out;
    },
  };
}

const column = (x: number): Float32Array => {
  const img = new Float32Array(784);
  for (let y = 4; y < 24; y++) img[y * 28 + x] = 1;
  return img;
};

describe('served (test-time shifts)', () => {
  it('averages a mark in play over itself and its four one-pixel shifts', () => {
    // a stroke in column 13, the last left one: shifted right it is on the right half
    const c = leftInk();
    const p = averagedOverShifts(c, column(13), 1);
    // itself, left, up, down: left half (p3 = 1); right: right half (p3 = 0)
    expect(p[3]).toBeCloseTo(4 / 5, 6);
    expect(p[10]).toBeCloseTo(1 / 5, 6);
    expect(c.batches).toEqual([1, 4]);
  });

  it('leaves a mark already sure "not a digit" as it is, without classifying its shifts', () => {
    const c = leftInk();
    const images = new Float32Array(2 * 784);
    images.set(column(20), 0); // right half: p(none) = 1, at least SETTLED
    images.set(column(13), 784);
    const p = averagedOverShifts(c, images, 2);
    expect(p[10]).toBe(1);
    expect(p[11 + 3]).toBeCloseTo(4 / 5, 6);
    expect(c.batches).toEqual([2, 4]);
  });

  it('serves a 10-class model unchanged', () => {
    const ten: DigitClassifier = { name: 'ten', predictProbs: (_images, n) => new Float32Array(n * 10).fill(0.1) };
    expect(served(ten)).toBe(ten);
    const eleven = served(leftInk());
    expect(eleven.classes).toHaveLength(11);
    expect(eleven.name).toBe('left-ink');
  });
});
