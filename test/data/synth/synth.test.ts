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
 * Whether a profile has regularly spaced dark lines: dips more than 3 grey levels below the local
 * mean (±20 bins), 5 px apart or more, with at least 6 gaps (and half of them) within 25 % of the
 * median gap (a digit or the desk crossing the lines adds a few irregular ones).
 */
function periodicLines(profile: Float64Array): boolean {
  const n = profile.length;
  const w = 20;
  const dips: number[] = [];
  const hp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - w); j <= Math.min(n - 1, i + w); j++) {
      s += profile[j];
      c++;
    }
    hp[i] = profile[i] - s / c;
  }
  for (let i = 1; i < n - 1; i++) if (hp[i] < -3 && hp[i] <= hp[i - 1] && hp[i] < hp[i + 1]) dips.push(i);
  if (dips.length < 6) return false;
  const gaps = dips.slice(1).map((d, i) => d - dips[i]);
  const median = [...gaps].sort((x, y) => x - y)[Math.floor(gaps.length / 2)];
  const regular = gaps.filter((g) => Math.abs(g - median) <= 0.25 * median).length;
  return median >= 5 && regular >= 6 && regular >= 0.5 * gaps.length;
}

/**
 * Lines across the picture ('h': running left-right, 'v': up-down): in each third of the picture
 * (vertical strips for 'h', horizontal ones for 'v'), every pixel is projected onto the normal of
 * lines turned by -25..25° and the luminance averaged per 1-px bin; noise averages away, lines stay.
 */
function hasLines(img: Upright, dir: 'h' | 'v'): boolean {
  const L = new Float32Array(img.width * img.height);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) L[y * img.width + x] = lum(img, x, y);
  const along = dir === 'h' ? img.height : img.width; // the axis the profile runs along
  const across = dir === 'h' ? img.width : img.height;
  for (let part = 0; part < 3; part++) {
    const c0 = Math.floor((part * across) / 3);
    const c1 = Math.floor(((part + 1) * across) / 3);
    const mid = (c0 + c1) / 2;
    for (let deg = -25; deg <= 25; deg++) {
      const slope = Math.tan((deg * Math.PI) / 180);
      const sum = new Float64Array(along + 1);
      const cnt = new Float64Array(along + 1);
      for (let c = c0; c < c1; c++) {
        const off = (c - mid) * slope;
        for (let a = 0; a < along; a++) {
          const bin = Math.round(a - off);
          if (bin < 0 || bin > along) continue;
          sum[bin] += dir === 'h' ? L[a * img.width + c] : L[c * img.width + a];
          cnt[bin]++;
        }
      }
      const profile = new Float64Array(along + 1);
      for (let i = 0; i <= along; i++) profile[i] = cnt[i] > 0 ? sum[i] / cnt[i] : 0;
      // bins near the ends see few pixels: keep the well-covered middle
      const lo = Math.ceil(Math.abs(slope) * (c1 - c0) / 2) + 1;
      if (along - 2 * lo > 40 && periodicLines(profile.subarray(lo, along - lo))) return true;
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

  it('pen: a photo of digits written with the pen asked for, same label and layout draws; other kinds ignore it', async () => {
    let pens = 0;
    for (let i = 0; i < 6; i++) {
      const plain = await generatePicture(SEED, i, { kind: 'photo-font', ...SMALL });
      const pencil = await generatePicture(SEED, i, { kind: 'photo-font', ...SMALL, pen: 'pencil' });
      expect(pencil.hazards).toContain('pencil');
      expect(pencil.label).toBe(plain.label);
      if (!plain.hazards.includes('pencil')) {
        pens++;
        expect(pencil.bytes.equals(plain.bytes)).toBe(false);
      } else expect(pencil.bytes.equals(plain.bytes)).toBe(true);
      const marker = await generatePicture(SEED, i, { kind: 'photo-mnist', ...SMALL, pen: 'marker' });
      expect(marker.hazards).toContain('marker');
      expect(marker.hazards).not.toContain('pencil');
    }
    expect(pens).toBeGreaterThan(0);
    const drawing = await generatePicture(SEED, 2, { kind: 'drawing', ...SMALL });
    expect((await generatePicture(SEED, 2, { kind: 'drawing', ...SMALL, pen: 'pencil' })).bytes.equals(drawing.bytes)).toBe(true);
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

  it('photo marks are tight: the dark pixels around a digit fill its box and stay inside it (EXIF applied)', async () => {
    let checked = 0;
    for (const k of ['photo-mnist', 'photo-font', 'photo-exif'] as const) {
      for (const p of await pictures(k, 24)) {
        // on plain, evenly lit paper the dark pixels are the ink (lines, shadows, desk and blur would blur the test)
        if (['shadow-hard', 'shadow-soft', 'desk-edge', 'blur', 'pencil', 'ruled', 'grid'].some((h) => p.hazards.includes(h as SynthHazard))) continue;
        const img = await upright(p);
        const { x, y, width, height } = p.marks[0].box;
        const m = Math.round(0.3 * Math.max(width, height));
        const [X0, Y0, X1, Y1] = [Math.max(0, x - m), Math.max(0, y - m), Math.min(p.width, x + width + m), Math.min(p.height, y + height + m)];
        const vals: number[] = [];
        for (let yy = Y0; yy < Y1; yy++) for (let xx = X0; xx < X1; xx++) vals.push(lum(img, xx, yy));
        const paper = [...vals].sort((a, b) => a - b)[Math.floor(vals.length * 0.75)];
        let [dx0, dy0, dx1, dy1] = [Infinity, Infinity, -Infinity, -Infinity];
        for (let yy = Y0; yy < Y1; yy++) {
          for (let xx = X0; xx < X1; xx++) {
            if (lum(img, xx, yy) >= 0.55 * paper) continue;
            [dx0, dy0, dx1, dy1] = [Math.min(dx0, xx), Math.min(dy0, yy), Math.max(dx1, xx + 1), Math.max(dy1, yy + 1)];
          }
        }
        const tol = 3 + 0.06 * Math.max(width, height);
        expect(Math.abs(dx0 - x), `${p.id} left`).toBeLessThanOrEqual(tol);
        expect(Math.abs(dy0 - y), `${p.id} top`).toBeLessThanOrEqual(tol);
        expect(Math.abs(dx1 - (x + width)), `${p.id} right`).toBeLessThanOrEqual(tol);
        expect(Math.abs(dy1 - (y + height)), `${p.id} bottom`).toBeLessThanOrEqual(tol);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
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

  it('canvas hazards hold: tiny, wide, tall, dark background, photo pens', async () => {
    const seen = new Set<SynthHazard>();
    for (const k of ['drawing', 'number', 'photo-mnist', 'photo-font'] as const) {
      for (const p of await pictures(k, 24)) {
        const short = Math.min(p.width, p.height);
        const long = Math.max(p.width, p.height);
        if (p.hazards.includes('tiny')) expect(short, p.id).toBeLessThanOrEqual(64);
        if (p.hazards.includes('wide-canvas')) expect(p.width / p.height, p.id).toBeGreaterThanOrEqual(2.5);
        if (p.hazards.includes('tall-canvas')) expect(p.height / p.width, p.id).toBeGreaterThanOrEqual(2.5);
        if (!p.hazards.includes('wide-canvas') && !p.hazards.includes('tall-canvas') && p.kind === 'drawing') expect(long / short, p.id).toBeLessThan(2.5);
        if (p.kind.startsWith('photo')) expect(p.hazards.filter((h) => ['ballpoint-black', 'ballpoint-blue', 'pencil', 'marker'].includes(h)), p.id).toHaveLength(1);
        if (p.hazards.includes('dark-background') && p.format !== 'svg') {
          // the canvas (a corner) is darker than the ink (the brightest pixels of the first mark)
          const img = await upright(p);
          const { x, y, width, height } = p.marks[0].box;
          let brightest = 0;
          for (let yy = y; yy < y + height; yy++) for (let xx = x; xx < x + width; xx++) brightest = Math.max(brightest, lum(img, xx, yy));
          expect(lum(img, 0, 0) + 40, p.id).toBeLessThan(brightest);
        }
        for (const h of p.hazards) seen.add(h);
      }
    }
    for (const h of ['tiny', 'dark-background', 'thin-pen', 'slant'] as const) expect(seen.has(h), h).toBe(true);
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
