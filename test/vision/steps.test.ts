/** The pure steps alone, on hand-made arrays: morphology, resampling, thresholds, components, 28x28. */
import { describe, expect, it } from 'vitest';
import { boxBlur, boxBlurJs, boxBlurWithin, closing, dilateMask, dilateMaskJs, maxFilter, minFilter, opening, separableJs, topHatHistogramsJs } from '../../src/vision/morphology.ts';
import { binarizeSimd, boxBlurSimd, extremaSimd, inkHistogramsSimd, loadMorphologyKernels, noiseHistogramSimd, opaqueLumSimd, topHatHistogramsSimd } from '../../src/vision/morphologyWasm.ts';
import { inkMap, inkMapTs, poolJs } from '../../src/vision/illumination.ts';
import { areaResample } from '../../src/vision/resample.ts';
import { binarize, otsuHistogram, otsuThreshold, quantile, quantileHistogram, quantilesOf } from '../../src/vision/threshold.ts';
import { chooseThreshold, maskStrokeWidth, noiseHistogramJs } from '../../src/vision/normalise.ts';
import { strokeWidth } from '../../src/vision/components.ts';
import { segmentDigits } from '../../src/vision/segment.ts';
import { labelComponents } from '../../src/vision/components.ts';
import { flattenAlpha, luminance, planesOf, type FlatImage } from '../../src/vision/flatten.ts';
import { detectPolarity } from '../../src/vision/polarity.ts';
import { centreByMass, centreOfMass, fitTo20, kthSmallest } from '../../src/vision/to28.ts';
import { mulberry32 } from './fixtures.ts';
import { countInk, forEachInk } from '../../src/vision/raster.ts';

function brute(data: Float32Array, w: number, h: number, size: number, isMax: boolean): Float32Array {
  const r = size >> 1;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = isMax ? -Infinity : Infinity;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
          const v = data[yy * w + xx];
          m = isMax ? Math.max(m, v) : Math.min(m, v);
        }
      }
      out[y * w + x] = m;
    }
  }
  return out;
}

describe('morphology', () => {
  const rnd = mulberry32(7);
  const w = 23;
  const h = 17;
  const img = { width: w, height: h, data: Float32Array.from({ length: w * h }, () => rnd()) };

  it.each([1, 3, 5, 9, 31])('max/min filters of size %i match brute force', (size) => {
    expect(Array.from(maxFilter(img, size).data)).toEqual(Array.from(brute(img.data, w, h, size, true)));
    expect(Array.from(minFilter(img, size).data)).toEqual(Array.from(brute(img.data, w, h, size, false)));
  });

  // The row-at-a-time column pass and the reused scratch planes: every shape against brute force,
  // windows wider than the picture, one-row and one-column pictures, repeated calls of other sizes.
  it.each([
    [1, 1, 5], [1, 9, 3], [9, 1, 7], [6, 40, 11], [40, 6, 11], [31, 29, 47], [64, 48, 23], [5, 5, 99],
  ])('max/min filters on %i×%i, size %i, match brute force', (w2, h2, size) => {
    const im = { width: w2, height: h2, data: Float32Array.from({ length: w2 * h2 }, () => Math.round(rnd() * 255) + rnd()) };
    expect(Array.from(maxFilter(im, size).data)).toEqual(Array.from(brute(im.data, w2, h2, size, true)));
    expect(Array.from(minFilter(im, size).data)).toEqual(Array.from(brute(im.data, w2, h2, size, false)));
    expect(Array.from(separableJs(im, size, true).data)).toEqual(Array.from(brute(im.data, w2, h2, size, true)));
    expect(Array.from(separableJs(im, size, false).data)).toEqual(Array.from(brute(im.data, w2, h2, size, false)));
    const big = { width: 70, height: 50, data: Float32Array.from({ length: 3500 }, () => rnd()) };
    expect(Array.from(maxFilter(big, 5).data)).toEqual(Array.from(brute(big.data, 70, 50, 5, true)));
    expect(Array.from(opening(im, size).data)).toEqual(Array.from(brute(brute(im.data, w2, h2, size, false), w2, h2, size, true)));
  });

  it.each([
    [1, 1, 3], [3, 7, 5], [17, 5, 3], [64, 48, 23], [61, 47, 47], [10, 90, 9], [5, 5, 99],
  ])('the SIMD filters on %i×%i, size %i, give the TypeScript filters\' floats, borders included', async (w2, h2, size) => {
    expect(await loadMorphologyKernels()).toBe(true);
    const im = { width: w2, height: h2, data: Float32Array.from({ length: w2 * h2 }, () => rnd() * 255) };
    for (const isMax of [true, false]) {
      expect(Array.from(extremaSimd(im, [{ size, isMax }]) ?? [])).toEqual(Array.from(separableJs(im, size, isMax).data));
      expect(Array.from(extremaSimd(im, [{ size, isMax }]) ?? [])).toEqual(Array.from(brute(im.data, w2, h2, size, isMax)));
    }
    // a closing in one call (two steps) is the two filters one after the other
    const twice = separableJs(separableJs(im, size, true), size, false).data;
    expect(Array.from(extremaSimd(im, [{ size, isMax: true }, { size, isMax: false }]) ?? [])).toEqual(Array.from(twice));
    expect(Array.from(closing(im, size).data)).toEqual(Array.from(twice));
  });

  it.each([[1, 1, 5], [13, 9, 5], [14, 9, 5], [15, 10, 11], [64, 48, 11], [37, 61, 23]])('top-hat histograms on %i×%i, size %i: SIMD = TypeScript = rounded brute force', async (w2, h2, size) => {
    expect(await loadMorphologyKernels()).toBe(true);
    // halves (x.5 differences) and values near 0 and 255 included: the rounding and clamping show
    const im = { width: w2, height: h2, data: Float32Array.from({ length: w2 * h2 }, () => Math.round(rnd() * 510) / 2) };
    const closed = brute(brute(im.data, w2, h2, size, true), w2, h2, size, false);
    const opened = brute(brute(im.data, w2, h2, size, false), w2, h2, size, true);
    const dark = new Array<number>(256).fill(0);
    const light = new Array<number>(256).fill(0);
    const bin = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));
    for (let i = 0; i < im.data.length; i++) {
      dark[bin(closed[i] - im.data[i])]++;
      light[bin(im.data[i] - opened[i])]++;
    }
    const js = topHatHistogramsJs(im, size);
    const simd = topHatHistogramsSimd(im, [size])![0];
    expect([Array.from(js.dark), Array.from(js.light)]).toEqual([dark, light]);
    expect([Array.from(simd.dark), Array.from(simd.light)]).toEqual([dark, light]);
    // several windows from one copy of the picture (laid out for the widest): each its own counts
    const sizes = [size + 6, 3, size];
    expect(topHatHistogramsSimd(im, sizes)!.map((t) => [Array.from(t.dark), Array.from(t.light)])).toEqual(
      sizes.map((k) => topHatHistogramsJs(im, k)).map((t) => [Array.from(t.dark), Array.from(t.light)]),
    );
    // a flat page with one dark stroke: runs of zeros (counted four at a time in the module)
    const page = { width: w2, height: h2, data: new Float32Array(w2 * h2).fill(200) };
    for (let y = 0; y < h2; y++) page.data[y * w2 + Math.floor(w2 / 2)] = 40.5;
    const flat = topHatHistogramsSimd(page, [size])![0];
    const flatJs = topHatHistogramsJs(page, size);
    expect([Array.from(flat.dark), Array.from(flat.light)]).toEqual([Array.from(flatJs.dark), Array.from(flatJs.light)]);
    expect(flat.dark[0] + flat.dark[160] + flat.dark[159]).toBe(w2 * h2);
  });

  it.each([[1, 1, 2], [7, 5, 2], [33, 20, 2], [16, 9, 2], [41, 7, 2], [33, 20, 3], [64, 3, 4], [41, 29, 15], [10, 10, 20]])('block pooling on %i×%i by %i: TypeScript = brute force', (w2, h2, f) => {
    const im = { width: w2, height: h2, data: Float32Array.from({ length: w2 * h2 }, () => rnd() * 255) };
    for (const isMax of [true, false]) {
      const ow = Math.ceil(w2 / f);
      const want = Array.from({ length: ow * Math.ceil(h2 / f) }, (_, j) => {
        let m = isMax ? -Infinity : Infinity;
        for (let y = Math.floor(j / ow) * f; y < Math.min(h2, (Math.floor(j / ow) + 1) * f); y++) {
          for (let x = (j % ow) * f; x < Math.min(w2, ((j % ow) + 1) * f); x++) m = isMax ? Math.max(m, im.data[y * w2 + x]) : Math.min(m, im.data[y * w2 + x]);
        }
        return m;
      });
      expect(Array.from(poolJs(im, f, isMax).data)).toEqual(want);
    }
  });

  it.each([[1, 1, 7], [7, 5, 7], [33, 20, 15], [33, 20, 17], [64, 3, 23], [50, 41, 33], [29, 37, 121]])('the SIMD ink map on %i×%i, window %i, gives the TypeScript steps\' floats: both polarities, bytes or planes, grey or colour', async (w2, h2, size) => {
    expect(await loadMorphologyKernels()).toBe(true);
    const n = w2 * h2;
    // paper values on both sides of the 64 floor (and of 255 − 64), ink darker and lighter than it
    const bytes = Uint8Array.from({ length: 4 * n }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rnd() * 256)));
    const grey = Uint8Array.from(bytes, (v, i) => (i % 4 === 3 ? 255 : bytes[i - (i % 4)]));
    const plane = (): Float32Array => Float32Array.from({ length: n }, () => Math.round(rnd() * 255) + (rnd() < 0.5 ? 0 : rnd()));
    const flats: FlatImage[] = [
      { width: w2, height: h2, colour: { kind: 'rgba', data: bytes }, alphaIsInk: false },
      { width: w2, height: h2, colour: { kind: 'rgba', data: grey }, alphaIsInk: false },
      { width: w2, height: h2, colour: { kind: 'planes', planes: [plane(), plane(), plane()] }, alphaIsInk: false },
    ];
    for (const flat of flats) {
      for (const polarity of ['dark-on-light', 'light-on-dark'] as const) {
        const simd = inkMap(flat, polarity, size).data;
        const channels = flat === flats[1] ? 1 : 3;
        const js = inkMapTs(flat, channels, polarity, size);
        if (n > 1) expect(js.some((v) => v > 0 && v < 1)).toBe(true);
        expect(Array.from(simd)).toEqual(Array.from(js));
        // a colour picture reads all three planes: the first alone gives another map
        if (channels === 3 && n > 1) expect(Array.from(inkMapTs(flat, 1, polarity, size))).not.toEqual(Array.from(js));
      }
    }
  });

  it('the SIMD ink map makes a picture\'s planes once: the same picture at other windows and polarities, then another of its size, give the TypeScript floats', async () => {
    expect(await loadMorphologyKernels()).toBe(true);
    const w2 = 61;
    const h2 = 45;
    const picture = (): Uint8Array => Uint8Array.from({ length: 4 * w2 * h2 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rnd() * 256)));
    const a: FlatImage = { width: w2, height: h2, colour: { kind: 'rgba', data: picture() }, alphaIsInk: false };
    const b: FlatImage = { width: w2, height: h2, colour: { kind: 'rgba', data: picture() }, alphaIsInk: false };
    const planes: FlatImage = { width: w2, height: h2, colour: { kind: 'planes', planes: planesOf(b) }, alphaIsInk: false };
    const calls: [FlatImage, 'dark-on-light' | 'light-on-dark', number][] = [
      [a, 'dark-on-light', 33], [a, 'dark-on-light', 9], [a, 'light-on-dark', 9], [b, 'dark-on-light', 9], [planes, 'light-on-dark', 33], [a, 'dark-on-light', 9],
    ];
    for (const [flat, polarity, size] of calls) {
      expect(Array.from(inkMap(flat, polarity, size).data)).toEqual(Array.from(inkMapTs(flat, 3, polarity, size)));
    }
  });

  it.each([
    [23, 17, 7], [1, 12, 3], [12, 1, 5], [30, 20, 1], [8, 8, 31], [50, 40, 9],
    [33, 17, 7], [16, 3, 15], [47, 20, 3],
  ])('dilateMask on %i×%i, size %i, equals the max filter of the mask (SIMD and TypeScript)', async (w2, h2, size) => {
    expect(await loadMorphologyKernels()).toBe(true);
    for (const density of [0.01, 0.2, 0.7]) {
      const data = Uint8Array.from({ length: w2 * h2 }, () => (rnd() < density ? 1 : 0));
      const want = brute(Float32Array.from(data), w2, h2, size, true);
      expect(Array.from(dilateMask({ width: w2, height: h2, data }, size).data)).toEqual(Array.from(want));
      expect(Array.from(dilateMaskJs({ width: w2, height: h2, data }, size).data)).toEqual(Array.from(want));
    }
  });

  it('closing removes a dark line narrower than the window, keeps the paper level', () => {
    const page = { width: 40, height: 40, data: new Float32Array(1600).fill(200) };
    for (let y = 5; y < 35; y++) page.data[y * 40 + 20] = 30;
    const bg = closing(page, 7).data;
    expect(Math.min(...bg)).toBe(200);
  });

  it.each([[23, 17, 5], [1, 9, 3], [40, 30, 15], [8, 8, 31]])('box blur on %i×%i, size %i: the clamped mean, the same floats as summing column by column (TypeScript and SIMD)', async (w2, h2, size) => {
    const im = { width: w2, height: h2, data: Float32Array.from({ length: w2 * h2 }, () => rnd() * 255) };
    // reference: the rows, then each column's prefix sums on their own (the earlier code)
    const r = size >> 1;
    const tmp = new Float32Array(w2 * h2);
    for (let y = 0; y < h2; y++) {
      for (let x = 0; x < w2; x++) {
        let s = 0;
        const a = Math.max(0, x - r);
        const b = Math.min(w2, x + r + 1);
        const line = [0];
        for (let i = 0; i < w2; i++) line.push(line[i] + im.data[y * w2 + i]);
        s = (line[b] - line[a]) / (b - a);
        tmp[y * w2 + x] = s;
      }
    }
    const want = new Float32Array(w2 * h2);
    for (let x = 0; x < w2; x++) {
      const line = [0];
      for (let y = 0; y < h2; y++) line.push(line[y] + tmp[y * w2 + x]);
      for (let y = 0; y < h2; y++) {
        const a = Math.max(0, y - r);
        const b = Math.min(h2, y + r + 1);
        want[y * w2 + x] = (line[b] - line[a]) / (b - a);
      }
    }
    expect(Array.from(boxBlurJs(im, size).data)).toEqual(Array.from(want));
    expect(await loadMorphologyKernels()).toBe(true);
    expect(Array.from(boxBlurSimd(im, size) ?? [])).toEqual(Array.from(want));
    expect(Array.from(boxBlur(im, size).data)).toEqual(Array.from(want));
    // kept below / above the picture: the SIMD pass gives the per-pixel min / max of the two
    expect(Array.from(boxBlurSimd(im, size, 'below') ?? [])).toEqual(Array.from(want, (v, i) => Math.min(v, im.data[i])));
    expect(Array.from(boxBlurSimd(im, size, 'above') ?? [])).toEqual(Array.from(want, (v, i) => Math.max(v, im.data[i])));
    expect(Array.from(boxBlurWithin(im, size, 'below').data)).toEqual(Array.from(want, (v, i) => Math.min(v, im.data[i])));
  });

  it('box blur keeps a constant image constant (no dark frame at the borders)', () => {
    const c = boxBlur({ width: 10, height: 8, data: new Float32Array(80).fill(5) }, 5).data;
    for (const v of c) expect(v).toBeCloseTo(5, 5);
  });
});

describe('ink histograms and mask in the SIMD module', () => {
  const rnd = mulberry32(21);
  // bin edges (halves of 1/255 and 1/1000), values outside 0..1, and plain random ones
  const values = (n: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? Math.round(rnd() * 510) / 510 : i % 3 === 1 ? Math.round(rnd() * 2000) / 2000 : rnd() * 1.2 - 0.1,
    );

  it.each([1, 3, 4, 7, 1001])('the histograms of %i values: SIMD = TypeScript, with and without a `below`', async (n) => {
    expect(await loadMorphologyKernels()).toBe(true);
    // and a clean drawing's map: mostly paper at or below 0 (counted four at a time in the module)
    const paper = Float32Array.from(values(n), (x, i) => (i % 11 < 9 ? (i % 2 ? 0 : -0.01) : x));
    for (const v of [values(n), paper]) {
      for (const below of [Infinity, 0.4, 0, -0.005]) {
        const simd = inkHistogramsSimd(v, below)!;
        expect(Array.from(simd.quantiles)).toEqual(Array.from(quantileHistogram(v)));
        expect(Array.from(simd.otsu)).toEqual(Array.from(otsuHistogram(v.filter((x) => x < below))));
      }
    }
  });

  it.each([[1, 1], [5, 3], [16, 4], [17, 9], [40, 33]])('the ink mask on %i×%i and its stroke counts: SIMD = TypeScript', async (w, h) => {
    expect(await loadMorphologyKernels()).toBe(true);
    for (const t of [0.2, 0.5, 0.9]) {
      const ink = { width: w, height: h, data: values(w * h) };
      const simd = binarizeSimd(ink, t)!;
      const mask = binarize(ink, t);
      expect(Array.from(simd.mask.data)).toEqual(Array.from(mask.data));
      expect(strokeWidth(simd.area, simd.perimeter)).toBe(maskStrokeWidth(mask));
      expect(simd.area).toBe(mask.data.reduce((a, b) => a + b, 0));
      // the noise floor's histogram away from the ink
      const noise = noiseHistogramJs(ink, mask);
      expect(Array.from(noiseHistogramSimd(ink, mask, 7)!)).toEqual(Array.from(noise));
      // and with one ink pixel only: most pixels counted, the ones near it not
      const one = new Uint8Array(w * h);
      one[Math.floor((w * h) / 2)] = 1;
      const sparse = noiseHistogramJs(ink, { width: w, height: h, data: one });
      expect(Array.from(noiseHistogramSimd(ink, { width: w, height: h, data: one }, 7)!)).toEqual(Array.from(sparse));
      if (w * h > 100) expect(sparse.reduce((a, b) => a + b, 0)).toBeGreaterThan(w * h - 50);
    }
  });
});

describe('flattening an opaque picture in the SIMD module', () => {
  it.each([[1, 1], [3, 5], [8, 4], [13, 7]])('%i×%i: the luminance of flattenAlpha + luminance, or null when a pixel is not opaque', async (w, h) => {
    expect(await loadMorphologyKernels()).toBe(true);
    const rnd = mulberry32(w * 31 + h);
    const data = Uint8Array.from({ length: 4 * w * h }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rnd() * 256)));
    const img = { width: w, height: h, data };
    const flat = flattenAlpha(img);
    expect(planesOf(flat).map((p) => Array.from(p))).toEqual([0, 1, 2].map((c) => Array.from({ length: w * h }, (_, i) => data[4 * i + c])));
    expect(Array.from(opaqueLumSimd(data, w * h)!)).toEqual(Array.from(luminance(flat).data));
    for (const a of [254, 0]) {
      const some = Uint8Array.from(data);
      some[4 * (w * h - 1) + 3] = a; // the last pixel, also when it ends a partial group of four
      expect(opaqueLumSimd(some, w * h)).toBeNull();
    }
  });
});

describe('areaResample', () => {
  it('halving averages 2×2 blocks exactly', () => {
    const src = Float32Array.from([1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
    expect(Array.from(areaResample(src, 4, 4, 2, 2))).toEqual([0.75, 0, 0, 1]);
  });

  it('keeps the total ink (mean) when shrinking by a non-integer factor', () => {
    const rnd = mulberry32(3);
    const src = Float32Array.from({ length: 37 * 29 }, () => rnd());
    const out = areaResample(src, 37, 29, 20, 16);
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 4);
  });

  it('a one-pixel line 100 px long survives a 5x shrink (a sampled kernel could miss it)', () => {
    const src = new Float32Array(100 * 100);
    for (let y = 0; y < 100; y++) src[y * 100 + 52] = 1;
    const out = areaResample(src, 100, 100, 20, 20);
    expect(out[5 * 20 + 10]).toBeCloseTo(0.2, 5);
  });
});

describe('otsuThreshold', () => {
  it('splits two clusters between them', () => {
    const v = new Float32Array(1000);
    for (let i = 0; i < 1000; i++) v[i] = i < 800 ? 0.05 : 0.8;
    const t = otsuThreshold(v);
    expect(t).toBeGreaterThan(0.05);
    expect(t).toBeLessThan(0.8);
  });
});

describe('chooseThreshold', () => {
  /** 200×200 ink map: paper at `paper` ± grain (normal, sd `sd`), a thin ring of ink at 0.8 (0.2 % of the map). */
  const inkMap = (paper: number, sd: number) => {
    const rnd = mulberry32(7);
    const data = new Float32Array(200 * 200);
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 200; x++) {
        const r = Math.hypot(x - 100, y - 100);
        const grain = sd * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
        data[y * 200 + x] = Math.abs(r - 8) < 1 ? 0.8 : Math.max(0, paper + grain);
      }
    }
    return { width: 200, height: 200, data };
  };

  it('stays above grainy paper, where Otsu splits the grain', () => {
    const ink = inkMap(0.1, 0.05);
    let grainAbove = 0;
    const t = chooseThreshold(ink, 0.12);
    for (const v of ink.data) if (v !== 0.8 && v > t) grainAbove++;
    expect(otsuThreshold(ink.data)).toBeLessThan(0.22); // Otsu alone: thousands of grain pixels are ink
    expect(t).toBeGreaterThan(0.24); // median + 3 sd = 0.25
    expect(t).toBeLessThan(0.5);
    expect(grainAbove).toBeLessThan(0.005 * ink.data.length);
  });

  it('is Otsu (or the minimum contrast) on clean paper', () => {
    const ink = inkMap(0, 0);
    expect(chooseThreshold(ink, 0.12)).toBeCloseTo(Math.max(0.12, Math.min(0.5, otsuThreshold(ink.data))), 6);
  });

  it('a second look below a first threshold splits the fainter values only', () => {
    // clean paper (0), a dark desk (0.9) over a third of the map, faint pencil (0.3) on 1 %
    const data = new Float32Array(30_000);
    for (let i = 0; i < data.length; i++) data[i] = i < 10_000 ? 0.9 : i % 100 === 0 ? 0.3 : 0;
    const ink = { width: 300, height: 100, data };
    const first = chooseThreshold(ink, 0.12);
    expect(first).toBeGreaterThan(0.3); // the desk against the rest: the pencil is not ink
    const second = chooseThreshold(ink, 0.12, first);
    expect(second).toBeLessThan(0.3); // the pencil against the paper
    expect(second).toBeGreaterThanOrEqual(0.12);
  });

  it('quantilesOf agrees with sorting, to the histogram bin', () => {
    const v = Float32Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 5000) / 5000);
    const [a, b, c] = quantilesOf(v, [0.25, 0.5, 0.9]);
    expect(a).toBeCloseTo(quantile(v, 0.25), 2);
    expect(b).toBeCloseTo(quantile(v, 0.5), 2);
    expect(c).toBeCloseTo(quantile(v, 0.9), 2);
  });
});

describe('segmentDigits with maxMarks', () => {
  it('groups only the marks with the longest side, left to right, and counts them all', () => {
    // 60 short grain strokes (3×13, side by side, each in columns of its own), then a tall stroke (4×40).
    const w = 300;
    const h = 60;
    const data = new Uint8Array(w * h);
    const fill = (x0: number, y0: number, bw: number, bh: number): void => {
      for (let y = y0; y < y0 + bh; y++) for (let x = x0; x < x0 + bw; x++) data[y * w + x] = 1;
    };
    for (let k = 0; k < 60; k++) fill(2 + 4 * k, 20, 3, 13);
    fill(270, 10, 4, 40);
    const lab = labelComponents({ width: w, height: h, data });
    const opts = { speckFraction: 0, minSpeckArea: 0 };
    expect(segmentDigits(lab, opts).segments).toHaveLength(61);
    const capped = segmentDigits(lab, { ...opts, maxMarks: 10 });
    expect(capped.marks).toBe(61);
    expect(capped.dropped.surplus).toBe(51);
    const boxes = capped.segments.map((s) => s.box);
    expect(boxes).toHaveLength(10);
    // the tall stroke is kept, last (left to right); the others are the first grain strokes in order
    expect(boxes[9]).toEqual({ x: 270, y: 10, width: 4, height: 40 });
    expect(boxes.slice(0, 9).map((b) => b.x)).toEqual([2, 6, 10, 14, 18, 22, 26, 30, 34]);
  });
});

describe('labelComponents', () => {
  it('finds 8-connected components with boxes and border contacts', () => {
    // Two diagonal pixels are one component (8-connectivity); a separate bar touching the right edge.
    const m = [
      '1.....',
      '.1...1',
      '.....1',
      '..1..1',
    ];
    const w = 6;
    const data = Uint8Array.from(m.join('').split('').map((c) => (c === '1' ? 1 : 0)));
    const lab = labelComponents({ width: w, height: 4, data });
    expect(lab.components.length).toBe(3);
    const [a, b, c] = lab.components;
    expect(a.area).toBe(2);
    expect([a.minX, a.maxX, a.minY, a.maxY]).toEqual([0, 1, 0, 1]);
    expect(b.touches.right).toBe(true);
    expect(b.area).toBe(3);
    expect(c.area).toBe(1);
  });

  it('on random masks: the labels and statistics of a flood fill numbered by first pixel (aligned or not)', () => {
    const rnd = mulberry32(21);
    for (const [w, h] of [[1, 1], [7, 5], [33, 20], [64, 48], [13, 41]]) {
      for (const density of [0.05, 0.3, 0.55, 0.8]) {
        const bytes = Uint8Array.from({ length: w * h + 1 }, () => (rnd() < density ? 1 : 0));
        for (const data of [bytes.subarray(0, w * h), bytes.subarray(1)]) {
          // flood fill, 8-connected, components numbered in raster order of their first pixel
          const want = new Int32Array(w * h);
          const stats: { area: number; box: number[]; perimeter: number; touches: boolean[] }[] = [];
          for (let i = 0; i < w * h; i++) {
            if (!data[i] || want[i]) continue;
            const id = stats.length + 1;
            const st = { area: 0, box: [w, -1, h, -1], perimeter: 0, touches: [false, false, false, false] };
            stats.push(st);
            const stack = [i];
            want[i] = id;
            while (stack.length) {
              const p = stack.pop()!;
              const x = p % w;
              const y = (p - x) / w;
              st.area++;
              st.box = [Math.min(st.box[0], x), Math.max(st.box[1], x), Math.min(st.box[2], y), Math.max(st.box[3], y)];
              const at = (xx: number, yy: number): number => (xx < 0 || yy < 0 || xx >= w || yy >= h ? 0 : data[yy * w + xx]);
              if (!at(x - 1, y) || !at(x + 1, y) || !at(x, y - 1) || !at(x, y + 1)) st.perimeter++;
              st.touches = [st.touches[0] || x === 0, st.touches[1] || x === w - 1, st.touches[2] || y === 0, st.touches[3] || y === h - 1];
              for (let dy = -1; dy <= 1; dy++) {
                for (let dx = -1; dx <= 1; dx++) {
                  const q = (y + dy) * w + x + dx;
                  if (at(x + dx, y + dy) && !want[q]) {
                    want[q] = id;
                    stack.push(q);
                  }
                }
              }
            }
          }
          const lab = labelComponents({ width: w, height: h, data });
          expect(Array.from(lab.labels)).toEqual(Array.from(want));
          expect(
            lab.components.map((c) => ({ area: c.area, box: [c.minX, c.maxX, c.minY, c.maxY], perimeter: c.perimeter, touches: [c.touches.left, c.touches.right, c.touches.top, c.touches.bottom] })),
          ).toEqual(stats);
        }
      }
    }
  });
});

describe('flattenAlpha', () => {
  it('mostly transparent: the alpha channel is the ink, whatever the colour', () => {
    // White strokes (invisible on white) and black strokes (invisible on black) both come out as ink.
    for (const colour of [255, 0]) {
      const data = new Uint8Array(10 * 10 * 4); // transparent black
      for (let x = 0; x < 10; x++) data.set([colour, colour, colour, 255], (5 * 10 + x) * 4);
      const flat = flattenAlpha({ width: 10, height: 10, data });
      expect(flat.alphaIsInk).toBe(true);
      expect(planesOf(flat)[0][5 * 10 + 3]).toBe(0); // dark stroke
      expect(planesOf(flat)[0][0]).toBe(255); // white paper
    }
  });

  it('a few transparent pixels take the paper colour instead of their hidden black', () => {
    const data = new Uint8Array(10 * 10 * 4);
    for (let i = 0; i < 100; i++) data.set([240, 235, 220, i < 5 ? 0 : 255], i * 4);
    const flat = flattenAlpha({ width: 10, height: 10, data });
    expect(flat.alphaIsInk).toBe(false);
    expect(planesOf(flat)[0][0]).toBe(240);
  });
});

describe('detectPolarity', () => {
  function page(paper: number, ink: number): { width: number; height: number; data: Float32Array } {
    const data = new Float32Array(60 * 60).fill(paper);
    for (let y = 10; y < 50; y++) for (let x = 28; x < 32; x++) data[y * 60 + x] = ink;
    return { width: 60, height: 60, data };
  }
  it('dark strokes on light paper', () => {
    expect(detectPolarity(page(220, 40)).polarity).toBe('dark-on-light');
  });
  it('light strokes on a dark screen', () => {
    expect(detectPolarity(page(30, 240)).polarity).toBe('light-on-dark');
  });
});

describe('countInk and forEachInk', () => {
  it('count and visit every ink byte of a 0/1 mask in order, aligned or not, sparse or dense', () => {
    const rnd = mulberry32(17);
    for (const n of [0, 1, 3, 4, 5, 64, 1001]) {
      for (const density of [0, 0.01, 0.5, 1]) {
        const bytes = Uint8Array.from({ length: n + 1 }, () => (rnd() < density ? 1 : 0));
        for (const data of [bytes.subarray(0, n), bytes.subarray(1)]) {
          const want = Array.from(data.keys()).filter((i) => data[i]);
          const seen: number[] = [];
          forEachInk(data, (i) => seen.push(i));
          expect(seen).toEqual(want);
          expect(countInk(data)).toBe(want.length);
        }
      }
    }
  });
});

describe('kthSmallest', () => {
  it('is the k-th value of the sorted array, for every k, with and without repeated values', () => {
    const rnd = mulberry32(3);
    for (const n of [1, 2, 3, 10, 101, 1000]) {
      for (const levels of [0, 3, 50]) {
        const values = Float32Array.from({ length: n }, () => (levels ? Math.floor(rnd() * levels) / levels : rnd()));
        const sorted = Float32Array.from(values).sort();
        for (const k of new Set([0, n - 1, Math.floor(0.9 * (n - 1)), Math.floor(rnd() * n)])) expect(kthSmallest(Float32Array.from(values), k)).toBe(sorted[k]);
      }
    }
  });
});

describe('fit and centre', () => {
  it('fits the longest side into 20 px keeping the aspect ratio', () => {
    const tall = fitTo20({ width: 30, height: 90, data: new Float32Array(2700).fill(1) });
    expect([tall.width, tall.height]).toEqual([7, 20]);
    const wide = fitTo20({ width: 100, height: 50, data: new Float32Array(5000).fill(1) });
    expect([wide.width, wide.height]).toEqual([20, 10]);
  });

  it('places the centre of mass at (14, 14), not the box centre', () => {
    // A "7"-like patch: heavy top bar, so the box centre and the centre of mass differ.
    const p = { width: 12, height: 20, data: new Float32Array(240) };
    for (let x = 0; x < 12; x++) p.data[x] = 1;
    for (let y = 1; y < 20; y++) p.data[y * 12 + 11 - Math.floor(y / 2)] = 1;
    const img = centreByMass(p);
    const c = centreOfMass(img);
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('never pushes ink out of the frame, even for a very lopsided patch', () => {
    const p = { width: 20, height: 20, data: new Float32Array(400) };
    for (let x = 0; x < 20; x++) for (let y = 0; y < 4; y++) p.data[y * 20 + x] = 1;
    p.data[19 * 20 + 10] = 1;
    const img = centreByMass(p);
    expect(img.reduce((s, v) => s + v, 0)).toBe(81);
  });
});
