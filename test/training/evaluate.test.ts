import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/training/evaluate.ts';

/** A fake model that answers fixed probability rows of width k. */
function fixed(rows: number[][]) {
  return { predictProbs: (_x: Float32Array, n: number) => Float32Array.from(rows.slice(0, n).flat()) };
}

describe('evaluate', () => {
  it('reads rows as wide as the model answers (11 classes with "not a digit")', () => {
    const row = (best: number) => Array.from({ length: 11 }, (_, j) => (j === best ? 0.9 : 0.01));
    const data = { n: 3, images: new Float32Array(3 * 784), labels: Uint8Array.from([3, 7, 7]) };
    const ev = evaluate(fixed([row(3), row(7), row(10)]), data);
    expect(ev.correct).toBe(2);
    expect(ev.confusion).toHaveLength(11);
    expect(ev.confusion[7][10]).toBe(1);
    expect(ev.mistakes).toEqual([{ index: 2, label: 7, predicted: 10, confidence: expect.closeTo(0.9, 5) }]);
    expect(ev.perDigit).toHaveLength(10);
  });

  it('a "not a digit" answer on a digit is wrong even when the digit is the second choice', () => {
    const data = { n: 1, images: new Float32Array(784), labels: Uint8Array.from([5]) };
    const probs = Array.from({ length: 11 }, (_, j) => (j === 10 ? 0.5 : j === 5 ? 0.4 : 0.01));
    expect(evaluate(fixed([probs]), data).accuracy).toBe(0);
  });
});
