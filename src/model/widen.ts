/**
 * A 10-digit model → the same model with an 11th output, "not a digit", to fine-tune: every
 * weight is kept, the new output starts at zero weights and bias (it learns from the first
 * "not a digit" examples while the digits keep what they knew).
 */
import type { NetworkSpec } from '../nn/spec.ts';
import { ModelFormatError, type ModelManifest } from './manifest.ts';

export function widenToNone(manifest: ModelManifest, params: Float32Array): { spec: NetworkSpec; params: Float32Array } {
  const layers = manifest.network.layers;
  const last = layers[layers.length - 1];
  if (last?.type !== 'dense' || last.units !== 10) {
    throw new ModelFormatError(`${manifest.name}: only a model ending in a 10-unit dense layer can gain a "not a digit" output`);
  }
  const tensors = manifest.weights.tensors;
  const weight = tensors[tensors.length - 2];
  const bias = tensors[tensors.length - 1];
  const [nIn, out] = weight.shape;
  if (out !== 10 || bias.shape[0] !== 10 || bias.offset !== weight.offset + nIn * 10 || bias.offset + 10 !== params.length) {
    throw new ModelFormatError(`${manifest.name}: unexpected layout of the last layer's tensors`);
  }
  const widened = new Float32Array(params.length + nIn + 1);
  widened.set(params.subarray(0, weight.offset));
  // W is (in, out) row-major: each input row gains one zero column
  for (let i = 0; i < nIn; i++) widened.set(params.subarray(weight.offset + i * 10, weight.offset + i * 10 + 10), weight.offset + i * 11);
  widened.set(params.subarray(bias.offset, bias.offset + 10), weight.offset + nIn * 11);
  const spec: NetworkSpec = { ...manifest.network, layers: [...layers.slice(0, -1), { type: 'dense', units: 11 }] };
  return { spec, params: widened };
}
