import type { Heap } from '../heap.ts';
import type { Kernels } from './types.ts';

/** Plain TypeScript optimizer updates (the reference for the SIMD versions). */
export function referenceUpdates(heap: Heap): Pick<Kernels, 'sgdUpdate' | 'adamUpdate'> {
  return {
    sgdUpdate(p, g, vel, n, lr, decay, momentum) {
      const f = heap.f32;
      if (vel === 0 || momentum === 0) {
        for (let i = 0; i < n; i++) f[p + i] -= lr * (f[g + i] + decay * f[p + i]);
        return;
      }
      for (let i = 0; i < n; i++) {
        const v = momentum * f[vel + i] - lr * (f[g + i] + decay * f[p + i]);
        f[vel + i] = v;
        f[p + i] += v;
      }
    },
    adamUpdate(p, g, m, v, n, stepSize, beta1, beta2, epsilon, decay) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) {
        const gi = f[g + i] + decay * f[p + i];
        const mi = (f[m + i] = beta1 * f[m + i] + (1 - beta1) * gi);
        const vi = (f[v + i] = beta2 * f[v + i] + (1 - beta2) * gi * gi);
        f[p + i] -= (stepSize * mi) / (Math.sqrt(vi) + epsilon);
      }
    },
  };
}
