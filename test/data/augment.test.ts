import { describe, expect, it } from 'vitest';
import { augmentBatch, Augmenter, DEFAULT_AUGMENT, IDENTITY_AFFINE, warp } from '../../src/data/augment.ts';
import { Rng } from '../../src/nn/rng.ts';

const SIZE = 784;

/** A soft blob (Gaussian, σ = 2 px) centred at (cx, cy): smooth, so bilinear moves it cleanly. */
function blob(cx: number, cy: number): Float32Array {
  const img = new Float32Array(SIZE);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) img[y * 28 + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
  return img;
}

function centreOfMass(img: Float32Array, offset = 0): [number, number] {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = img[offset + y * 28 + x];
      m += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return [sx / m, sy / m];
}

/** Deterministic "digit-like" batch: random strokes in [0,1]. */
function randomImages(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n * SIZE);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() < 0.2 ? rng.next() : 0;
  return out;
}

describe('augment', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const src = randomImages(8, 1);
    const a = new Float32Array(src.length);
    const b = new Float32Array(src.length);
    const c = new Float32Array(src.length);
    augmentBatch(src, a, 8, new Rng(42));
    augmentBatch(src, b, 8, new Rng(42));
    augmentBatch(src, c, 8, new Rng(43));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a).not.toEqual(src);
  });

  it('is the identity when all strengths are 0 or both transforms are off', () => {
    const src = randomImages(4, 2);
    const zero = { maxShift: 0, maxRotation: 0, maxScale: 0, maxShear: 0, elasticAlpha: 0 };
    for (const opts of [zero, { affine: false, elastic: false }]) {
      const dst = new Float32Array(src.length);
      augmentBatch(src, dst, 4, new Rng(3), opts);
      expect(dst).toEqual(src);
    }
  });

  it('an explicit shift moves the centre of mass by exactly that shift', () => {
    const src = blob(13, 14);
    const dst = new Float32Array(SIZE);
    warp(src, 0, dst, 0, { ...IDENTITY_AFFINE, dx: 2, dy: -1.5 });
    const [x0, y0] = centreOfMass(src);
    const [x1, y1] = centreOfMass(dst);
    expect(x1 - x0).toBeCloseTo(2, 1);
    expect(y1 - y0).toBeCloseTo(-1.5, 1);
  });

  it('a random shift moves the centre of mass by the sampled shift', () => {
    const aug = new Augmenter({ maxShift: 3, maxRotation: 0, maxScale: 0, maxShear: 0, elastic: false });
    const src = blob(14, 13);
    const dst = new Float32Array(SIZE);
    for (const seed of [1, 2, 3]) {
      const t = aug.sampleAffine(new Rng(seed)); // same draws as apply() with the same seed
      aug.apply(src, 0, dst, 0, new Rng(seed));
      const [x0, y0] = centreOfMass(src);
      const [x1, y1] = centreOfMass(dst);
      expect(Math.abs(t.dx)).toBeLessThanOrEqual(3);
      expect(x1 - x0).toBeCloseTo(t.dx, 1);
      expect(y1 - y0).toBeCloseTo(t.dy, 1);
    }
  });

  it('rotates about the centre (+90° takes the right side downwards, y pointing down)', () => {
    const src = blob(13.5 + 6, 13.5);
    const dst = new Float32Array(SIZE);
    warp(src, 0, dst, 0, { ...IDENTITY_AFFINE, rotation: 90 });
    const [x, y] = centreOfMass(dst);
    expect(x).toBeCloseTo(13.5, 1);
    expect(y).toBeCloseTo(13.5 + 6, 1);
  });

  it('scales about the centre', () => {
    const src = blob(13.5 + 5, 13.5);
    const dst = new Float32Array(SIZE);
    warp(src, 0, dst, 0, { ...IDENTITY_AFFINE, scale: 1.2 });
    expect(centreOfMass(dst)[0]).toBeCloseTo(13.5 + 6, 1);
  });

  it('a squeeze narrows the width about the centre and leaves the height', () => {
    const src = blob(13.5 + 5, 13.5 + 5);
    const dst = new Float32Array(SIZE);
    warp(src, 0, dst, 0, { ...IDENTITY_AFFINE, squeeze: 0.6 });
    const [x, y] = centreOfMass(dst);
    expect(x).toBeCloseTo(13.5 + 3, 1);
    expect(y).toBeCloseTo(13.5 + 5, 1);
  });

  it('maxSqueeze 0 (the default) draws no squeeze, so the other parameters stay what they were', () => {
    const a = new Augmenter({}).sampleAffine(new Rng(5));
    const b = new Augmenter({ maxSqueeze: 0.4 }).sampleAffine(new Rng(5));
    expect(a.squeeze).toBeUndefined();
    expect({ ...b, squeeze: undefined }).toEqual({ ...a, squeeze: undefined });
    expect(b.squeeze).toBeGreaterThanOrEqual(0.6);
    expect(b.squeeze).toBeLessThanOrEqual(1);
  });

  it('keeps output in [0,1] with strong settings', () => {
    const src = randomImages(50, 4);
    for (let i = 0; i < src.length; i += 97) src[i] = 1;
    const dst = new Float32Array(src.length);
    augmentBatch(src, dst, 50, new Rng(5), { maxShift: 3, maxRotation: 30, maxScale: 0.3, maxShear: 0.5, elasticAlpha: 60, elasticSigma: 4 });
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of dst) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(Number.isNaN(lo) || Number.isNaN(hi)).toBe(false);
  });

  it('elastic displacements are smooth with the std Simard\'s α, σ predict', () => {
    // A horizontal ramp I(x, y) = x/27 turns the output into a read-out of the x displacement:
    // out(p) = (x + dx(p)) / 27 wherever p + d(p) stays inside the image.
    const ramp = new Float32Array(SIZE);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) ramp[y * 28 + x] = x / 27;
    const { elasticAlpha: alpha, elasticSigma: sigma } = DEFAULT_AUGMENT;
    const aug = new Augmenter({ affine: false });
    const rng = new Rng(9);
    const dst = new Float32Array(SIZE);
    let sum2 = 0;
    let count = 0;
    let neighbourDiff2 = 0;
    for (let k = 0; k < 300; k++) {
      aug.apply(ramp, 0, dst, 0, rng);
      for (let y = 6; y < 22; y++) {
        for (let x = 6; x < 22; x++) {
          const dx = dst[y * 28 + x] * 27 - x;
          const dxRight = dst[y * 28 + x + 1] * 27 - (x + 1);
          sum2 += dx * dx;
          neighbourDiff2 += (dxRight - dx) ** 2;
          count++;
        }
      }
    }
    const std = Math.sqrt(sum2 / count);
    const expected = alpha * Math.sqrt(1 / (3 * 4 * Math.PI * sigma * sigma));
    expect(std).toBeGreaterThan(expected * 0.85);
    expect(std).toBeLessThan(expected * 1.15);
    // smooth: neighbouring pixels move almost together
    expect(Math.sqrt(neighbourDiff2 / count)).toBeLessThan(0.25 * std);
  });

  it('refuses overlapping buffers and bad options', () => {
    const buf = new Float32Array(4 * SIZE);
    expect(() => augmentBatch(buf.subarray(0, 2 * SIZE), buf.subarray(SIZE), 2, new Rng(1))).toThrow(/overlap/);
    expect(() => augmentBatch(buf, new Float32Array(SIZE), 2, new Rng(1))).toThrow(/dst holds 1 images, need 2/);
    expect(() => new Augmenter({ maxScale: 1 })).toThrow(RangeError);
    expect(() => new Augmenter({ maxShift: -1 })).toThrow(RangeError);
  });
});
