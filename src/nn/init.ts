import type { InitScheme } from './layers/layer.ts';
import type { Rng } from './rng.ts';

/**
 * Fills `w` with initial weights for a layer with the given fan-in/fan-out.
 *   nielsen: N(0, 1/fanIn) — network2's "default_weight_initializer"
 *   xavier:  U(±sqrt(6/(fanIn+fanOut))) — Glorot & Bengio 2010, for tanh/sigmoid
 *   he:      N(0, 2/fanIn) — He et al. 2015, for ReLU
 */
export function initWeights(w: Float32Array, fanIn: number, fanOut: number, scheme: InitScheme, rng: Rng): void {
  switch (scheme) {
    case 'nielsen': {
      const sd = Math.sqrt(1 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * sd;
      return;
    }
    case 'xavier': {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-a, a);
      return;
    }
    case 'he': {
      const sd = Math.sqrt(2 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * sd;
      return;
    }
  }
}
