/**
 * A "model soup" (Wortsman et al. 2022): the mean of the weights of models fine-tuned from one
 * parent. They sit in one basin of the loss, so their mean is one model as good as or better than
 * each, at the cost of one: no ensemble, the same per-picture time, the same file format, and the
 * retrain job fine-tunes it like any other model.
 */
import type { NetworkSpec } from '../nn/spec.ts';

export interface SoupIngredient {
  name: string;
  network: NetworkSpec;
  params: Float32Array;
}

/** The element-wise mean of the ingredients' parameters; all must share one architecture. */
export function soupParams(ingredients: readonly SoupIngredient[]): Float32Array {
  const first = ingredients[0];
  if (!first) throw new Error('a soup needs at least one model');
  const shape = JSON.stringify(first.network);
  for (const m of ingredients) {
    if (JSON.stringify(m.network) !== shape || m.params.length !== first.params.length) {
      throw new Error(`${m.name} has another architecture than ${first.name}: only models fine-tuned from one parent can be averaged`);
    }
  }
  const weight = 1 / ingredients.length;
  const out = new Float32Array(first.params.length);
  for (const m of ingredients) for (let j = 0; j < out.length; j++) out[j]! += weight * m.params[j]!;
  return out;
}
