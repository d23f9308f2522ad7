import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import {
  FONT_PARTITION,
  MNIST_RANGES,
  SPLIT_SEEDS,
  SYNTH_HAZARDS,
  generatePicture,
  generateSplit,
  kindOf,
  type SynthHazard,
  type SynthKind,
  type SynthPicture,
} from '../../../src/data/synth/index.ts';
import { mnistDigitStrokes } from '../../../src/data/synth/mnistStrokes.ts';

const SEED = 4242; // a training seed
const SMALL = { maxSide: 420 };

interface Upright {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function upright(p: SynthPicture): Promise<Upright> {
  const { data, info } = await sharp(p.bytes).rotate().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function lum(img: Upright, x: number, y: number): number {
  const i = (y * img.width + x) * img.channels;
  return img.channels >= 3 ? 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2] : img.data[i];
}

/** `n` small pictures of `kind` from the training seed (cached per kind). */
const cache = new Map<SynthKind, Promise<SynthPicture[]>>();
function pictures(kind: SynthKind, n: number): Promise<SynthPicture[]> {
  let p = cache.get(kind);
  if (p === undefined) {
    p = Promise.all(Array.from({ length: n }, (_, i) => generatePicture(SEED, i, { kind, ...SMALL })));
    cache.set(kind, p);
  }
  return p;
}

async function withHazard(h: SynthHazard, kinds: SynthKind[], n = 24): Promise<SynthPicture> {
  for (const k of kinds) {
    const found = (await pictures(k, n)).find((p) => p.hazards.includes(h));
    if (found) return found;
  }
  throw new Error(`no picture with hazard ${h}`);
}

async function allWithHazard(h: SynthHazard, kinds: SynthKind[], n = 24): Promise<SynthPicture[]> {
  const out: SynthPicture[] = [];
  for (const k of kinds) out.push(...(await pictures(k, n)).filter((p) => p.hazards.includes(h)));
  return out;
}

/** Percentile of luminance over all pixels. */
function percentile(img: Upright, q: number): number {
  const v: number[] = [];
  for (let y = 0; y < img.height; y += 2) for (let x = 0; x < img.width; x += 2) v.push(lum(img, x, y));
  v.sort((a, b) => a - b);
  return v[Math.floor(q * (v.length - 1))];
}

/**
 * Whether a profile (mean luminance along a 16-px band) has regularly spaced dark lines: dips below
 * the local mean by more than 6 grey levels and 3 deviations of the band's noise (pixel noise / 4),
 * at least 6 of them, 5 px apart or more, and most gaps within 25 % of the median gap.
 */
function periodicLines(profile: number[], noise: number): boolean {
  const n = profile.length;
  const w = 20;
  const hp = profile.map((v, i) => {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - w); j <= Math.min(n - 1, i + w); j++) {
      s += profile[j];
      c++;
    }
    return v - s / c;
  });
  const t = Math.max(6, 0.75 * noise);
  const dips: number[] = [];
  for (let i = 1; i < n - 1; i++) if (hp[i] < -t && hp[i] <= hp[i - 1] && hp[i] < hp[i + 1]) dips.push(i);
  if (dips.length < 6) return false;
  const gaps = dips.slice(1).map((d, i) => d - dips[i]);
  const median = [...gaps].sort((x, y) => x - y)[Math.floor(gaps.length / 2)];
  return median >= 5 && gaps.filter((g) => Math.abs(g - median) <= 0.25 * median).length >= 0.7 * gaps.length;
}

/** Per-pixel noise (grey levels) from the mean neighbour difference (a Gaussian's σ). */
function pixelNoise(img: Upright): number {
  const d: number[] = [];
  for (let y = 0; y < img.height; y += 2) for (let x = 0; x + 1 < img.width; x += 2) d.push(Math.abs(lum(img, x, y) - lum(img, x + 1, y)));
  return (d.reduce((s, v) => s + v, 0) / d.length) * 1.2533 / Math.SQRT2;
}

/**
 * Lines across the picture: profiles along bands 16 px wide at five places, each band sheared by
 * -24..24° (lines in photos are turned), either down the columns ('h': horizontal lines) or along the rows ('v').
 */
function hasLines(img: Upright, dir: 'h' | 'v'): boolean {
  const along = dir === 'h' ? img.height : img.width;
  const across = dir === 'h' ? img.width : img.height;
  const noise = pixelNoise(img);
  for (const at of [0.08, 0.3, 0.5, 0.7, 0.88]) {
    const c0 = Math.floor(across * at);
    for (let deg = -24; deg <= 24; deg += 2) {
      const slope = Math.tan((deg * Math.PI) / 180);
      const profile: number[] = [];
      for (let t = 0; t < along; t++) {
        let s = 0;
        for (let d = 0; d < 16; d++) {
          const c = Math.min(across - 1, c0 + d);
          const a = Math.max(0, Math.min(along - 1, Math.round(t + d * slope)));
          s += dir === 'h' ? lum(img, c, a) : lum(img, a, c);
        }
        profile.push(s / 16);
      }
      if (periodicLines(profile, noise)) return true;
    }
  }
  return false;
}

describe('synthetic chat pictures', () => {
  it('is deterministic: same seed and index, same bytes; another index, another picture', async () => {
    for (const kind of ['photo-mnist', 'drawing', 'non-digit', 'number'] as const) {
      const a = await generatePicture(SEED, 3, { kind, ...SMALL });
      const b = await generatePicture(SEED, 3, { kind, ...SMALL });
      const c = await generatePicture(SEED, 4, { kind, ...SMALL });
      expect(a.bytes.equals(b.bytes)).toBe(true);
      expect(a.marks).toEqual(b.marks);
      expect(a.bytes.equals(c.bytes)).toBe(false);
    }
    const full = await generatePicture(SPLIT_SEEDS.dev, 5);
    expect(full.id).toBe('dev-000005');
    expect((await generatePicture(SPLIT_SEEDS.dev, 5)).bytes.equals(full.bytes)).toBe(true);
  });

  it('mixes kinds 20/20/10/15/15/20 % by index, and generateSplit yields indices 0..n-1', async () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) counts.set(kindOf(SPLIT_SEEDS.test, i), (counts.get(kindOf(SPLIT_SEEDS.test, i)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ 'photo-mnist': 400, 'photo-font': 400, 'photo-exif': 200, number: 300, drawing: 300, 'non-digit': 400 });
    const ids: string[] = [];
    for await (const p of generateSplit('dev', 6, { kinds: ['drawing', 'non-digit'], maxSide: 300 })) {
      expect(['drawing', 'non-digit']).toContain(p.kind);
      expect(p.kind).toBe(kindOf(SPLIT_SEEDS.dev, Number(p.id.slice(4))));
      ids.push(p.id);
    }
    expect(ids.every((id) => id.startsWith('dev-'))).toBe(true);
    await expect(generateSplit('train', 1).next()).rejects.toThrow(/seed/);
    await expect(generateSplit('train', 1, { seed: SPLIT_SEEDS.test }).next()).rejects.toThrow(/training seed/);
  });

  it('partitions typefaces 10/3/4 over all installed faces and MNIST indices per split', async () => {
    const all = [...FONT_PARTITION.train, ...FONT_PARTITION.dev, ...FONT_PARTITION.test];
    expect([FONT_PARTITION.train.length, FONT_PARTITION.dev.length, FONT_PARTITION.test.length]).toEqual([10, 3, 4]);
    expect(new Set(all).size).toBe(17);
    expect([...all].sort()).toEqual(readdirSync('node_modules/@fontsource').sort());
    expect(MNIST_RANGES).toEqual({ train: { start: 0, end: 50_000 }, dev: { start: 50_000, end: 55_000 }, test: { start: 55_000, end: 60_000 } });
    for (const split of ['train', 'dev', 'test'] as const) {
      for (let d = 0; d < 10; d += 3) {
        const s = await mnistDigitStrokes(split, d, 0.999);
        expect(s.index).toBeGreaterThanOrEqual(MNIST_RANGES[split].start);
        expect(s.index).toBeLessThan(MNIST_RANGES[split].end);
        expect(s.lines.length).toBeGreaterThan(0);
      }
    }
  });

  it('labels digits and numbers with one mark per digit, left to right, each box holding ink', async () => {
    const digitKinds: SynthKind[] = ['photo-mnist', 'photo-font', 'photo-exif', 'number', 'drawing'];
    let checked = 0;
    for (const kind of digitKinds) {
      for (const p of (await pictures(kind, 24)).slice(0, 12)) {
        expect(p.label).toMatch(kind === 'number' ? /^\d{2,6}$/ : /^\d$/);
        expect(p.marks.map((m) => m.label).join('')).toBe(p.label);
        const img = await upright(p);
        expect([img.width, img.height]).toEqual([p.width, p.height]);
        for (let i = 1; i < p.marks.length; i++) expect(p.marks[i].box.x + p.marks[i].box.width / 2).toBeGreaterThan(p.marks[i - 1].box.x + p.marks[i - 1].box.width / 2);
        for (const m of p.marks) {
          const { x, y, width, height } = m.box;
          expect(x).toBeGreaterThanOrEqual(0);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(x + width).toBeLessThanOrEqual(p.width);
          expect(y + height).toBeLessThanOrEqual(p.height);
          // ink: the box's darkest pixels are clearly darker (or, on dark/transparent canvases, differ) from its typical pixel
          const vals: number[] = [];
          const alphas: number[] = [];
          for (let yy = y; yy < y + height; yy++) {
            for (let xx = x; xx < x + width; xx++) {
              vals.push(lum(img, xx, yy));
              if (img.channels === 4) alphas.push(img.data[(yy * img.width + xx) * 4 + 3]);
            }
          }
          vals.sort((a, b) => a - b);
          const spread = vals[Math.floor(vals.length * 0.98)] - vals[Math.floor(vals.length * 0.02)];
          const alphaSpread = alphas.length > 0 ? Math.max(...alphas) - Math.min(...alphas) : 0;
          expect(Math.max(spread, alphaSpread), `${p.id} ${p.kind} mark ${m.label}`).toBeGreaterThan(25);
        }
        checked++;
      }
    }
    expect(checked).toBe(60);
  });

  it('drawing marks are tight: ink touches every side of each box, and none lies outside them', async () => {
    for (const p of (await pictures('drawing', 24)).filter((q) => q.format !== 'svg' && !q.hazards.includes('tiny')).slice(0, 6)) {
      const img = await upright(p);
      const bg = img.channels === 4 ? null : [img.data[0], img.data[1], img.data[2]];
      const isInk = (x: number, y: number): boolean => {
        const i = (y * img.width + x) * img.channels;
        if (bg === null) return img.data[i + 3] > 128;
        return Math.abs(img.data[i] - bg[0]) + Math.abs(img.data[i + 1] - bg[1]) + Math.abs(img.data[i + 2] - bg[2]) > 120;
      };
      // a corner pixel is background in these pictures (ink is placed inside the canvas)
      const [m] = p.marks;
      const { x, y, width, height } = m.box;
      const band = (x0: number, y0: number, x1: number, y1: number): boolean => {
        for (let yy = Math.max(0, y0); yy < Math.min(p.height, y1); yy++) for (let xx = Math.max(0, x0); xx < Math.min(p.width, x1); xx++) if (isInk(xx, yy)) return true;
        return false;
      };
      const e = 3;
      expect(band(x, y, x + e, y + height), `${p.id} left`).toBe(true);
      expect(band(x + width - e, y, x + width, y + height), `${p.id} right`).toBe(true);
      expect(band(x, y, x + width, y + e), `${p.id} top`).toBe(true);
      expect(band(x, y + height - e, x + width, y + height), `${p.id} bottom`).toBe(true);
      expect(band(0, 0, p.width, y - 1) || band(0, y + height + 1, p.width, p.height) || band(0, 0, x - 1, p.height) || band(x + width + 1, 0, p.width, p.height), `${p.id} outside`).toBe(false);
    }
  });

  it('non-digit pictures carry no label and no marks', async () => {
    const subjects = new Set<string>();
    for (const p of await pictures('non-digit', 24)) {
      expect(p.label).toBeNull();
      expect(p.marks).toEqual([]);
      expect(p.subject).toBeTruthy();
      subjects.add(p.subject!);
    }
    expect(subjects.size).toBeGreaterThanOrEqual(5);
  });

  it('only uses the hazard vocabulary', async () => {
    for (const k of ['photo-mnist', 'drawing', 'non-digit'] as const) for (const p of await pictures(k, 24)) for (const h of p.hazards) expect(SYNTH_HAZARDS).toContain(h);
  });

  it('exif: orientation 3/6/8 in the file, stored size swapped for 6/8, upright after rotate()', async () => {
    const seen = new Set<number>();
    for (const p of (await pictures('photo-exif', 24)).slice(0, 12)) {
      expect(p.hazards).toContain('exif');
      const meta = await sharp(p.bytes).metadata();
      expect([3, 6, 8]).toContain(meta.orientation);
      seen.add(meta.orientation!);
      const swapped = meta.orientation === 6 || meta.orientation === 8;
      expect([meta.width, meta.height]).toEqual(swapped ? [p.height, p.width] : [p.width, p.height]);
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
  });

  it('desk-edge: a dark region touching the border', async () => {
    const all = await allWithHazard('desk-edge', ['photo-font', 'photo-mnist', 'non-digit']);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const p of all) {
      const img = await upright(p);
      const dark = 0.72 * percentile(img, 0.95);
      const border: [number, number][] = [];
      for (let x = 0; x < img.width; x++) border.push([x, 0]);
      for (let y = 0; y < img.height; y++) border.push([img.width - 1, y]);
      for (let x = img.width - 1; x >= 0; x--) border.push([x, img.height - 1]);
      for (let y = img.height - 1; y >= 0; y--) border.push([0, y]);
      let run = 0;
      let best = 0;
      for (const [x, y] of [...border, ...border]) {
        run = lum(img, x, y) < dark ? run + 1 : 0;
        best = Math.max(best, run);
      }
      expect(best, p.id).toBeGreaterThan(0.03 * (img.width + img.height));
    }
  });

  it('ruled and grid paper have periodic lines', async () => {
    const ruled = await allWithHazard('ruled', ['non-digit', 'photo-font', 'photo-mnist']);
    const grid = await allWithHazard('grid', ['non-digit', 'photo-font', 'photo-mnist']);
    expect(ruled.length).toBeGreaterThanOrEqual(5);
    expect(grid.length).toBeGreaterThanOrEqual(3);
    for (const p of ruled) {
      const img = await upright(p);
      expect(hasLines(img, 'h'), p.id).toBe(true);
    }
    for (const p of grid) {
      const img = await upright(p);
      expect(hasLines(img, 'h') && hasLines(img, 'v'), p.id).toBe(true);
    }
    // and plain pages have none
    const plain = (await pictures('non-digit', 24)).filter((p) => p.subject === 'blank-page' && !p.hazards.includes('ruled') && !p.hazards.includes('grid'));
    expect(plain.length).toBeGreaterThan(0);
    for (const p of plain) {
      const img = await upright(p);
      expect(hasLines(img, 'h') || hasLines(img, 'v'), p.id).toBe(false);
    }
  });

  it('transparent drawings carry the ink in alpha; discord-grey canvases are Discord grey', async () => {
    const t = await withHazard('transparent', ['drawing', 'number']);
    if (t.format !== 'svg') {
      const meta = await sharp(t.bytes).metadata();
      expect(meta.hasAlpha).toBe(true);
    }
    const img = await upright(t);
    expect(img.channels).toBe(4);
    let clear = 0;
    let opaque = 0;
    for (let i = 3; i < img.data.length; i += 4) {
      if (img.data[i] === 0) clear++;
      if (img.data[i] === 255) opaque++;
    }
    expect(clear).toBeGreaterThan(0.3 * img.width * img.height);
    expect(opaque).toBeGreaterThan(0);
    const d = await upright(await withHazard('discord-grey', ['drawing', 'number', 'non-digit']));
    const c = [d.data[0], d.data[1], d.data[2]].map((v) => v.toString(16).padStart(2, '0')).join('');
    expect(['313338', '2b2d31', '1e1f22']).toContain(c);
  });

  it('svg exports are plain <svg> with paths that render to the stated size', async () => {
    const p = await withHazard('svg', ['drawing', 'number', 'non-digit'], 24);
    expect(p.format).toBe('svg');
    const text = p.bytes.toString('utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('<path');
    const meta = await sharp(p.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([p.width, p.height]);
  });
});
