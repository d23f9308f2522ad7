/** decode → normalise → segment → 28x28 on realistic fixtures: polarity, illumination, splitting, centring. */
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { analyseBytes } from './helpers.ts';
import { BROKEN_PATHS, paperOnTableJpeg, cleanPng, digitsSvg, exifRotatedJpeg, invertedPng, mulberry32, nonDigit, photoJpeg, renderPng, transparentPng } from './fixtures.ts';
import { centreOfMass } from '../../src/vision/to28.ts';
import type { Analysis } from '../../src/vision/pipeline.ts';
import { loadMnistSplit, type Dataset } from '../../src/data/mnist.ts';

/** Each 28x28 image: centre of mass at 14±1, ink box ≤ 20 px with one side ≈ 20, values in [0,1]. */
function expectMnistShaped(a: Analysis): void {
  for (const d of a.digits) {
    const c = centreOfMass(d.image);
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(1);
    let minX = 28;
    let maxX = -1;
    let minY = 28;
    let maxY = -1;
    let max = 0;
    d.image.forEach((v, i) => {
      if (v <= 0) return;
      max = Math.max(max, v);
      const x = i % 28;
      const y = Math.floor(i / 28);
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    });
    const longest = Math.max(maxX - minX + 1, maxY - minY + 1);
    expect(longest).toBeGreaterThanOrEqual(19);
    expect(longest).toBeLessThanOrEqual(20);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
  }
}

describe('polarity and flattening', () => {
  it('black pen on white: dark-on-light', async () => {
    const a = await analyseBytes(await cleanPng('2'));
    expect(a.norm.polarity.polarity).toBe('dark-on-light');
    expect(a.digits.length).toBe(1);
    expectMnistShaped(a);
  });

  it('dark-theme drawing app: light-on-dark', async () => {
    const a = await analyseBytes(await invertedPng('3'));
    expect(a.norm.polarity.polarity).toBe('light-on-dark');
    expect(a.digits.length).toBe(1);
    expectMnistShaped(a);
  });

  it.each(['#ffffff', '#000000', '#ffd700'])('transparent canvas with %s strokes: the alpha is the ink', async (ink) => {
    const a = await analyseBytes(await transparentPng('5', ink));
    expect(a.norm.alphaIsInk).toBe(true);
    expect(a.digits.length).toBe(1);
    expect(a.norm.inkFraction).toBeGreaterThan(0.02);
    expectMnistShaped(a);
  });

  it('EXIF-rotated photo comes out upright (a tall 7, not a wide one)', async () => {
    const a = await analyseBytes(await exifRotatedJpeg('7'));
    expect(a.digits.length).toBe(1);
    const box = a.segmentation.segments[0].box;
    expect(box.height).toBeGreaterThan(box.width);
  });

  it('white page lit from one side with a shadow: the gradient is not ink', async () => {
    const a = await analyseBytes(await nonDigit('blank-photo'));
    expect(a.norm.inkFraction).toBeLessThan(0.001);
    expect(a.segmentation.segments.length).toBe(0);
    expect(a.reason).toMatch(/blank/);
  });
});

describe('phone photo: blue ballpoint "4096" on a lit-gradient page, JPEG', () => {
  let a: Analysis;
  beforeAll(async () => {
    a = await analyseBytes(await photoJpeg('4096'));
  });

  it('dark-on-light, four digits left to right, nothing refused', () => {
    expect(a.norm.polarity.polarity).toBe('dark-on-light');
    expect(a.segmentation.segments.length).toBe(4);
    const xs = a.segmentation.segments.map((s) => s.box.x);
    expect([...xs].sort((p, q) => p - q)).toEqual(xs);
    expect(a.reason).toBeNull();
  });

  it('thin pen strokes are thickened to MNIST width and centred', () => {
    expect(a.digits.every((d) => d.fittedStroke < 1.9)).toBe(true);
    expectMnistShaped(a);
    // Thickened: the 28x28 images carry roughly MNIST's ink mass (mean ~100/784 for MNIST).
    for (const d of a.digits) expect(d.image.reduce((s, v) => s + v, 0)).toBeGreaterThan(60);
  });
});

describe('paper on a dark table with a hard phone shadow', () => {
  it('the table is dropped as page border, the shadow edge is not ink, "2071" gives four digits', async () => {
    const a = await analyseBytes(await paperOnTableJpeg('2071'));
    expect(a.norm.polarity.polarity).toBe('dark-on-light');
    expect(a.segmentation.dropped.border).toBeGreaterThanOrEqual(1);
    expect(a.segmentation.segments.length).toBe(4);
    expect(a.reason).toBeNull();
    expectMnistShaped(a);
  });
});

describe('segmentation', () => {
  it('a 4 and a 5 written in pieces stay one digit each', async () => {
    const a = await analyseBytes(await cleanPng('45', { paths: BROKEN_PATHS }));
    expect(a.segmentation.marks).toBeGreaterThanOrEqual(5); // 3 pieces of the 4, 2 of the 5
    expect(a.segmentation.segments.length).toBe(2);
    expect(a.segmentation.segments.map((s) => s.componentIds.length)).toEqual([3, 2]);
  });

  it('specks of dust and a page edge are ignored', async () => {
    const rnd = mulberry32(5);
    let specks = '';
    for (let i = 0; i < 40; i++) specks += `<circle cx="${rnd() * 640}" cy="${rnd() * 400}" r="${1 + rnd() * 2}" fill="#222"/>`;
    const svg = digitsSvg('7', { scale: 2 }).replace('</svg>', `${specks}<rect x="0" y="0" width="14" height="400" fill="#333"/></svg>`);
    const a = await analyseBytes(await renderPng(svg));
    expect(a.segmentation.segments.length).toBe(1);
    expect(a.segmentation.dropped.border).toBeGreaterThanOrEqual(1); // the edge, and specks cut by the picture edge
    expect(a.segmentation.dropped.specks).toBeGreaterThan(10);
  });

  it('a phone number-like row of ten digits gives ten segments', async () => {
    const a = await analyseBytes(await cleanPng('0123456789'));
    expect(a.segmentation.segments.length).toBe(10);
    expectMnistShaped(a);
  });
});

describe('MNIST digits as image files', () => {
  let test: Dataset;
  const N = 60;
  beforeAll(async () => {
    test = await loadMnistSplit('test');
  });

  async function png(i: number, invert: boolean, scale: number): Promise<Buffer> {
    const raw = Buffer.alloc(784);
    for (let k = 0; k < 784; k++) {
      const v = Math.round(test.images[i * 784 + k] * 255);
      raw[k] = invert ? 255 - v : v;
    }
    const s = sharp(raw, { raw: { width: 28, height: 28, channels: 1 } });
    return (scale > 1 ? s.resize(28 * scale, 28 * scale, { kernel: 'nearest' }) : s).png().toBuffer();
  }

  it('a white-on-black 28x28 file comes back as the same image', async () => {
    let diff = 0;
    let count = 0;
    for (let i = 0; i < N; i++) {
      const a = await analyseBytes(await png(i, false, 1));
      if (a.digits.length !== 1) continue;
      count++;
      const img = a.digits[0].image;
      for (let k = 0; k < 784; k++) diff += Math.abs(img[k] - test.images[i * 784 + k]);
    }
    expect(count).toBeGreaterThanOrEqual(N - 2);
    expect(diff / (count * 784)).toBeLessThan(0.01);
  });

  it('inverted (black on white) and scaled up 10x: still MNIST-shaped and close to the original', async () => {
    let diff = 0;
    for (let i = 0; i < 20; i++) {
      const a = await analyseBytes(await png(i, true, 10));
      expect(a.norm.polarity.polarity).toBe('dark-on-light');
      expect(a.digits.length).toBe(1);
      expectMnistShaped(a);
      for (let k = 0; k < 784; k++) diff += Math.abs(a.digits[0].image[k] - test.images[i * 784 + k]);
    }
    expect(diff / (20 * 784)).toBeLessThan(0.05);
  });
});
