import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadCrops, loadModelCrops, MODEL_CROPS, NONE_LABEL, saveCrops } from '../../src/data/crops.ts';
import { classifyCrop, harvestPicture } from '../../src/training/harvest.ts';

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
const seven = { label: '7', box: box(100, 100, 60, 100) };
const two = { label: '2', box: box(170, 100, 60, 100) };

describe('classifyCrop: the class of a cut-out mark', () => {
  it('a crop on a drawn digit is that digit, with the mark it is', () => {
    expect(classifyCrop(box(102, 98, 58, 104), [seven, two])).toEqual({ label: 7, mark: 0 });
    expect(classifyCrop(box(170, 100, 60, 100), [seven, two])).toEqual({ label: 2, mark: 1 });
  });
  it('a crop away from every digit (a desk edge, a shadow line) is not a digit', () => {
    expect(classifyCrop(box(0, 0, 20, 400), [seven, two])).toEqual({ label: NONE_LABEL, mark: null });
    expect(classifyCrop(box(10, 10, 5, 5), [])).toEqual({ label: NONE_LABEL, mark: null });
  });
  it('one crop over two digits (digits that touch) is not one digit', () => {
    expect(classifyCrop(box(100, 100, 130, 100), [seven, two])).toEqual({ label: NONE_LABEL, mark: null });
  });
  it('a small piece of a digit is not a digit; a digit with a long line through it is left out', () => {
    expect(classifyCrop(box(110, 110, 20, 20), [seven])).toEqual({ label: NONE_LABEL, mark: null });
    expect(classifyCrop(box(0, 140, 400, 60), [seven])).toBeNull();
  });
});

describe('harvestPicture', () => {
  it('cuts a drawn digit and a stray bar out of a picture and labels each', async () => {
    // a "1"-like vertical stroke (the digit) and, far away, a triangle (not a digit)
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="white"/>
      <path d="M100 60 L100 220" stroke="black" stroke-width="14" stroke-linecap="round"/>
      <path d="M230 220 L300 70 L370 220 Z" fill="none" stroke="black" stroke-width="10"/></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const h = await harvestPicture(png, [{ label: '1', box: box(90, 50, 20, 180) }]);
    expect(h.missed).toBe(0);
    expect(h.crops.map((c) => c.label).sort()).toEqual([1, NONE_LABEL]);
    for (const c of h.crops) expect(c.image).toHaveLength(784);
  });
});

describe('crop files', () => {
  it('save → load keeps images (to 1/255) and labels 0-10', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crops-'));
    try {
      const images = new Float32Array(2 * 784).map((_, i) => (i % 7) / 6);
      await saveCrops(join(dir, 'x'), { images, labels: Uint8Array.from([3, NONE_LABEL]), n: 2 });
      const back = await loadCrops(join(dir, 'x'));
      expect(back.n).toBe(2);
      expect(Array.from(back.labels)).toEqual([3, 10]);
      for (let i = 0; i < images.length; i++) expect(Math.abs(back.images[i] - images[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
      // gzipped beside a model: loadModelCrops finds them, a folder without crops gives null
      await saveCrops(join(dir, MODEL_CROPS.gate), back, { gzip: true });
      expect(Array.from((await loadModelCrops(dir, 'gate'))!.labels)).toEqual([3, 10]);
      expect(await loadModelCrops(dir, 'replay')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
