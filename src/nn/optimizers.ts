/**
 * Optimizers see only flat (params, grads) arrays, never layers (after convnetjs). L2 applies
 * to the weight ranges the layers name (not biases), as in Nielsen's network2: the gradient of
 * λ/(2n)·Σw² is (λ/n)·w, with n the training-set size.
 */
export interface DecayRange {
  offset: number;
  length: number;
}

export type OptimizerSettings =
  | { type: 'sgd'; momentum: number }
  | { type: 'adam'; beta1: number; beta2: number; epsilon: number };

export interface Optimizer {
  readonly settings: OptimizerSettings;
  /** one update with the given learning rate; l2 is the per-step coefficient λ/n */
  step(params: Float32Array, grads: Float32Array, lr: number, l2: number): void;
}

export function createOptimizer(settings: OptimizerSettings, paramCount: number, decay: readonly DecayRange[]): Optimizer {
  // Per-parameter decay mask: 1 for weights, 0 for biases; one pass, no branches per range.
  const mask = new Float32Array(paramCount);
  for (const r of decay) mask.fill(1, r.offset, r.offset + r.length);
  return settings.type === 'sgd' ? sgd(settings, mask) : adam(settings, mask);
}

function sgd(settings: { type: 'sgd'; momentum: number }, mask: Float32Array): Optimizer {
  const velocity = settings.momentum > 0 ? new Float32Array(mask.length) : null;
  const mu = settings.momentum;
  return {
    settings,
    step(p, g, lr, l2) {
      const n = p.length;
      if (!velocity) {
        for (let i = 0; i < n; i++) p[i] -= lr * (g[i] + l2 * mask[i] * p[i]);
        return;
      }
      for (let i = 0; i < n; i++) {
        const v = mu * velocity[i] - lr * (g[i] + l2 * mask[i] * p[i]);
        velocity[i] = v;
        p[i] += v;
      }
    },
  };
}

function adam(settings: { type: 'adam'; beta1: number; beta2: number; epsilon: number }, mask: Float32Array): Optimizer {
  const m = new Float32Array(mask.length);
  const v = new Float32Array(mask.length);
  const { beta1, beta2, epsilon } = settings;
  let t = 0;
  return {
    settings,
    step(p, g, lr, l2) {
      t++;
      // Bias corrections folded into the step size (Kingma & Ba, section 2).
      const a = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      const n = p.length;
      for (let i = 0; i < n; i++) {
        const gi = g[i] + l2 * mask[i] * p[i];
        const mi = (m[i] = beta1 * m[i] + (1 - beta1) * gi);
        const vi = (v[i] = beta2 * v[i] + (1 - beta2) * gi * gi);
        p[i] -= (a * mi) / (Math.sqrt(vi) + epsilon);
      }
    },
  };
}
