import type { Network } from './network.ts';

/**
 * Optimizers see only the network's flat parameter and gradient buffers, never its layers
 * (after convnetjs); their state lives in the same heap so SIMD kernels can update it in
 * place. L2 applies to the weight ranges the layers name, not biases, as in Nielsen's
 * network2: the gradient of λ/(2n)·Σw² is (λ/n)·w, with n the training-set size.
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
  /** one update of net.params() from net.grads(); l2 is the per-step coefficient λ/n */
  step(lr: number, l2: number): void;
}

/** The parameter buffer cut into contiguous runs that do or do not get weight decay. */
export function decaySegments(paramCount: number, decay: readonly DecayRange[]): { offset: number; length: number; decay: boolean }[] {
  const sorted = [...decay].sort((a, b) => a.offset - b.offset);
  const out: { offset: number; length: number; decay: boolean }[] = [];
  let at = 0;
  for (const r of sorted) {
    if (r.offset > at) out.push({ offset: at, length: r.offset - at, decay: false });
    out.push({ offset: r.offset, length: r.length, decay: true });
    at = r.offset + r.length;
  }
  if (at < paramCount) out.push({ offset: at, length: paramCount - at, decay: false });
  return out;
}

export function createOptimizer(settings: OptimizerSettings, net: Network): Optimizer {
  const segments = decaySegments(net.paramCount, net.decay);
  const heap = net.heap;
  const params = net.paramsPointer;
  const grads = net.gradsPointer;
  if (settings.type === 'sgd') {
    const velocity = settings.momentum > 0 ? heap.alloc(net.paramCount) : 0;
    return {
      settings,
      step(lr, l2) {
        for (const s of segments) {
          net.kernels.sgdUpdate(params + s.offset, grads + s.offset, velocity ? velocity + s.offset : 0, s.length, lr, s.decay ? l2 : 0, settings.momentum);
        }
      },
    };
  }
  const m = heap.alloc(net.paramCount);
  const v = heap.alloc(net.paramCount);
  const { beta1, beta2, epsilon } = settings;
  let t = 0;
  return {
    settings,
    step(lr, l2) {
      t++;
      // Bias corrections folded into the step size (Kingma & Ba, section 2).
      const stepSize = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      for (const s of segments) {
        net.kernels.adamUpdate(params + s.offset, grads + s.offset, m + s.offset, v + s.offset, s.length, stepSize, beta1, beta2, epsilon, s.decay ? l2 : 0);
      }
    },
  };
}
