/**
 * Area resampling ("box" / pixel-mixing): each output pixel is the exact average of the input
 * area it covers. This is how MNIST's anti-aliased 20x20 digits look, and unlike a sampled
 * kernel it never drops a thin stroke when shrinking by a large factor.
 */

interface Tap {
  start: number;
  weights: Float32Array;
}

/** For each output index, the input indices it covers and the covered fraction of each. */
function taps(srcLen: number, dstLen: number): Tap[] {
  const scale = srcLen / dstLen;
  const out: Tap[] = [];
  for (let j = 0; j < dstLen; j++) {
    const a = j * scale;
    const b = (j + 1) * scale;
    const start = Math.floor(a);
    const end = Math.min(srcLen, Math.ceil(b));
    const weights = new Float32Array(Math.max(1, end - start));
    for (let i = start; i < end; i++) {
      weights[i - start] = (Math.min(b, i + 1) - Math.max(a, i)) / scale;
    }
    out.push({ start, weights });
  }
  return out;
}

/** Resamples a sw×sh float image to dw×dh. Works for shrinking and (blocky) enlarging. */
export function areaResample(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (sw === dw && sh === dh) return Float32Array.from(src);
  const tx = taps(sw, dw);
  const ty = taps(sh, dh);
  const tmp = new Float32Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    for (let j = 0; j < dw; j++) {
      const { start, weights } = tx[j];
      let acc = 0;
      for (let k = 0; k < weights.length; k++) acc += weights[k] * src[y * sw + start + k];
      tmp[y * dw + j] = acc;
    }
  }
  const out = new Float32Array(dw * dh);
  for (let i = 0; i < dh; i++) {
    const { start, weights } = ty[i];
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      for (let k = 0; k < weights.length; k++) acc += weights[k] * tmp[(start + k) * dw + x];
      out[i * dw + x] = acc;
    }
  }
  return out;
}
