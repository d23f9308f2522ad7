/** A model soup: the element-wise mean of the weights of models that share one architecture. */
import { describe, expect, it } from 'vitest';
import { soupParams } from '../../src/model/soup.ts';
import { cnnDeepSpec, cnnRefSpec } from '../../src/nn/spec.ts';

describe('soupParams', () => {
  it('averages each parameter over the models', () => {
    const network = cnnRefSpec(11);
    const a = { name: 'a', network, params: Float32Array.from([1, -2, 4, 0]) };
    const b = { name: 'b', network, params: Float32Array.from([3, 2, 0, 0.5]) };
    const c = { name: 'c', network, params: Float32Array.from([2, 3, -1, 1]) };
    expect(Array.from(soupParams([a, b]))).toEqual([2, 0, 2, 0.25]);
    expect(Array.from(soupParams([a, b, c]))).toEqual([2, 1, 1, 0.5].map((x) => Math.fround(x)));
    expect(Array.from(soupParams([a]))).toEqual(Array.from(a.params));
  });

  it('refuses models of different architectures and an empty list', () => {
    const a = { name: 'ref', network: cnnRefSpec(11), params: new Float32Array(4) };
    const b = { name: 'deep', network: cnnDeepSpec(11), params: new Float32Array(4) };
    expect(() => soupParams([a, b])).toThrow(/deep has another architecture than ref/);
    expect(() => soupParams([a, { ...a, name: 'short', params: new Float32Array(3) }])).toThrow(/short has another architecture/);
    expect(() => soupParams([])).toThrow(/at least one model/);
  });
});
