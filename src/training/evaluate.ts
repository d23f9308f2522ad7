import type { Dataset } from '../data/dataset.ts';

/** Anything that turns images into class probabilities (a Network, a Model, an ensemble). */
export interface ProbabilityModel {
  predictProbs(images: Float32Array, n: number): Float32Array;
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  perDigit: { digit: number; total: number; correct: number; accuracy: number }[];
  /** indices of the misclassified samples with what was predicted */
  mistakes: { index: number; label: number; predicted: number; confidence: number }[];
  meanLoss: number;
}

export function argmaxRow(probs: Float32Array, row: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (probs[row * k + j] > probs[row * k + best]) best = j;
  return best;
}

/**
 * Accuracy, confusion matrix and mistakes of `model` on `data`, in chunks to bound memory. The
 * row width of the probabilities is the model's own (10 digits, or 11 with "not a digit"): a
 * sample is right only when the most likely of all classes is its label.
 */
export function evaluate(model: ProbabilityModel, data: Dataset, chunk = 1000): Evaluation {
  let classes = 0;
  let confusion: number[][] = [];
  const mistakes: Evaluation['mistakes'] = [];
  let correct = 0;
  let loss = 0;
  const px = data.images.length / data.n;
  for (let start = 0; start < data.n; start += chunk) {
    const count = Math.min(chunk, data.n - start);
    const probs = model.predictProbs(data.images.subarray(start * px, (start + count) * px), count);
    if (classes === 0) {
      classes = probs.length / count;
      confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    }
    for (let i = 0; i < count; i++) {
      const label = data.labels[start + i];
      const predicted = argmaxRow(probs, i, classes);
      confusion[label][predicted]++;
      loss -= Math.log(Math.max(probs[i * classes + label], 1e-12));
      if (predicted === label) correct++;
      else mistakes.push({ index: start + i, label, predicted, confidence: probs[i * classes + predicted] });
    }
  }
  const perDigit = confusion.slice(0, 10).map((row, digit) => {
    const total = row.reduce((a, b) => a + b, 0);
    return { digit, total, correct: row[digit], accuracy: total ? row[digit] / total : 0 };
  });
  return { total: data.n, correct, accuracy: data.n ? correct / data.n : 0, confusion, perDigit, mistakes, meanLoss: data.n ? loss / data.n : 0 };
}
