/**
 * Costs over a batch of network outputs (B, classes) and integer labels. Each writes
 * dLoss/dOutput for the batch *mean* loss (so gradients do not grow with the batch size)
 * and returns the summed loss for reporting.
 */
export type LossName = 'cross-entropy' | 'quadratic';

export interface Loss {
  readonly name: LossName;
  /** h: heap view; out/grad: pointers to (batch, classes) */
  lossAndGrad(h: Float32Array, out: number, labels: Uint8Array, labelOffset: number, batch: number, classes: number, grad: number): number;
  /** class probabilities for a batch of outputs, written to dst (batch, classes) */
  probabilities(h: Float32Array, out: number, batch: number, classes: number, dst: Float32Array): void;
}

/** Softmax over logits fused with cross-entropy: the gradient is simply (p - onehot) / B. */
export const softmaxCrossEntropy: Loss = {
  name: 'cross-entropy',
  lossAndGrad(h, out, labels, labelOffset, batch, classes, grad) {
    let total = 0;
    for (let b = 0; b < batch; b++) {
      const row = out + b * classes;
      const g = grad + b * classes;
      const y = labels[labelOffset + b];
      let max = -Infinity;
      for (let j = 0; j < classes; j++) if (h[row + j] > max) max = h[row + j];
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += Math.exp(h[row + j] - max);
      const logSum = Math.log(sum) + max;
      total += logSum - h[row + y];
      for (let j = 0; j < classes; j++) h[g + j] = (Math.exp(h[row + j] - logSum) - (j === y ? 1 : 0)) / batch;
    }
    return total;
  },
  probabilities(h, out, batch, classes, dst) {
    for (let b = 0; b < batch; b++) {
      const row = out + b * classes;
      let max = -Infinity;
      for (let j = 0; j < classes; j++) if (h[row + j] > max) max = h[row + j];
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += dst[b * classes + j] = Math.exp(h[row + j] - max);
      for (let j = 0; j < classes; j++) dst[b * classes + j] /= sum;
    }
  },
};

/**
 * Nielsen's quadratic cost ½‖a − y‖² on the network's (already activated, e.g. sigmoid) output.
 * Its outputs are not a distribution, so probabilities are the outputs normalised to sum 1.
 */
export const quadratic: Loss = {
  name: 'quadratic',
  lossAndGrad(h, out, labels, labelOffset, batch, classes, grad) {
    let total = 0;
    for (let b = 0; b < batch; b++) {
      const y = labels[labelOffset + b];
      for (let j = 0; j < classes; j++) {
        const d = h[out + b * classes + j] - (j === y ? 1 : 0);
        total += 0.5 * d * d;
        h[grad + b * classes + j] = d / batch;
      }
    }
    return total;
  },
  probabilities(h, out, batch, classes, dst) {
    for (let b = 0; b < batch; b++) {
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += Math.max(0, h[out + b * classes + j]);
      for (let j = 0; j < classes; j++) {
        const v = Math.max(0, h[out + b * classes + j]);
        dst[b * classes + j] = sum > 0 ? v / sum : 1 / classes;
      }
    }
  },
};

export function lossByName(name: LossName): Loss {
  if (name === 'cross-entropy') return softmaxCrossEntropy;
  if (name === 'quadratic') return quadratic;
  throw new Error(`unknown loss "${String(name)}" (expected cross-entropy or quadratic)`);
}
