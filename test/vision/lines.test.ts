/** Ruled/grid lines and page edges leave the ink mask; strokes crossing them stay whole. */
import { describe, expect, it } from 'vitest';
import { houghCountsJs, pixelOrder, pixelsNear, removeLines } from '../../src/vision/lines.ts';
import { houghCountsSimd, loadMorphologyKernels } from '../../src/vision/morphologyWasm.ts';
import type { MaskImage } from '../../src/vision/raster.ts';
import { analyseBytes } from './helpers.ts';
import { mulberry32, ruledPageJpeg } from './fixtures.ts';

function mask(w: number, h: number, ink: (x: number, y: number) => boolean): MaskImage {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = ink(x, y) ? 1 : 0;
  return { width: w, height: h, data };
}

const count = (m: MaskImage, pick: (x: number, y: number) => boolean = () => true): number => {
  let n = 0;
  for (let i = 0; i < m.data.length; i++) if (m.data[i] && pick(i % m.width, Math.floor(i / m.width))) n++;
  return n;
};

describe('removeLines', () => {
  // Five ruled lines, 2 px thick, tilted by 3 px over the width, and a vertical stroke 6 px wide crossing them.
  const W = 400;
  const H = 300;
  const onRule = (x: number, y: number): boolean => [50, 100, 150, 200, 250].some((y0) => Math.abs(y - (y0 + (3 * x) / W)) < 1);
  const onStroke = (x: number, y: number): boolean => x >= 197 && x < 203 && y >= 80 && y < 220;

  it('clears ruled lines, keeps the stroke that crosses them (crossings included)', () => {
    const m = mask(W, H, (x, y) => onRule(x, y) || onStroke(x, y));
    const r = removeLines(m);
    expect(r.lines.length).toBe(5);
    expect(r.lines.every((l) => l.family === 'horizontal' && l.thickness <= 3)).toBe(true);
    expect(count(r.mask, (x, y) => onRule(x, y) && !onStroke(x, y))).toBe(0);
    expect(count(r.mask, onStroke)).toBe(count(m, onStroke));
  });

  it('a lone long stroke in the middle of a drawing (a tall 1) is not a line', () => {
    const m = mask(W, H, (x, y) => x >= 198 && x < 204 && y >= 20 && y < 280);
    const r = removeLines(m);
    expect(r.lines).toEqual([]);
    expect(r.mask).toBe(m);
  });

  it('a long line running to the border (a page edge) goes even alone', () => {
    const m = mask(W, H, (x, y) => Math.abs(y - (40 + x / 10)) < 1.5 || onStroke(x, y));
    const r = removeLines(m);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0].touchesBorder).toBe(true);
    expect(count(r.mask)).toBe(count(m, onStroke));
  });

  it('a ruling line with a stroke along part of it goes, the stroke stays (its band is too thick for a line)', () => {
    // vertical grid lines 2 px thick every 40 px; a digit's upright 10 px wide lies against the
    // line at x = 200 for 120 px (together 12 px: too thick for a line), and a bar leaves it sideways
    const onGrid = (x: number): boolean => x % 40 < 2;
    const onUpright = (x: number, y: number): boolean => x >= 202 && x < 212 && y >= 90 && y < 210;
    const onBar = (x: number, y: number): boolean => x >= 202 && x < 240 && y >= 90 && y < 96;
    const m = mask(W, H, (x, y) => onGrid(x) || onUpright(x, y) || onBar(x, y));
    const r = removeLines(m);
    const at200 = r.lines.find((l) => l.family === 'vertical' && Math.abs(Math.abs(l.offset) - 200.5) < 3);
    expect(at200?.cored).toBe(true);
    // the line is gone above and below the digit, the digit is whole
    expect(count(r.mask, (x, y) => x >= 200 && x < 202 && (y < 80 || y >= 220))).toBe(0);
    expect(count(r.mask, (x, y) => onUpright(x, y) || onBar(x, y))).toBe(count(m, (x, y) => onUpright(x, y) || onBar(x, y)));
  });

  it('a fainter ruling line between two of the angles tried (a grid in perspective) goes: it looks thicker by its drift', () => {
    // a thin horizontal ruling every 50 px, and a fainter line 700 px long tilted by a quarter
    // degree (half the angle step): at the nearest angle it spreads over 4 strips, not 1
    const w = 800;
    const h = 600;
    const tilt = Math.tan((0.25 * Math.PI) / 180);
    const onRuling = (x: number, y: number): boolean => y % 50 === 25 && y < 300;
    const onFaint = (x: number, y: number): boolean => x >= 50 && x < 750 && Math.abs(y - (400 + (x - 50) * tilt)) < 0.5;
    const m = mask(w, h, (x, y) => onRuling(x, y) || onFaint(x, y));
    const r = removeLines(m);
    const faint = r.lines.find((l) => Math.abs(l.offset - 401.5) < 4);
    expect(faint?.strong).toBe(false);
    expect(faint!.thickness).toBeGreaterThan(2);
    expect(count(r.mask, onFaint)).toBe(0);
  });

  it('a thick stroke across ruled paper (the shaft of an arrow) is not taken for the ruling', () => {
    const onShaft = (x: number, y: number): boolean => x >= 40 && x < 360 && Math.abs(y - 175) < 4;
    const m = mask(W, H, (x, y) => onRule(x, y) || onShaft(x, y));
    const r = removeLines(m);
    expect(r.lines.every((l) => l.thickness <= 3)).toBe(true);
    expect(count(r.mask, onShaft)).toBe(count(m, onShaft));
  });

  it("mode 'every' (a look again) also takes a lone line that runs to no border and a fainter ruling line thickened by a stroke", () => {
    // a margin line broken by a shadow: long, alone, short of both borders; a thick shaft stays
    const onMargin = (x: number, y: number): boolean => x >= 60 && x < 62 && y >= 10 && y < 290 && (y < 140 || y >= 150);
    const onShaft = (x: number, y: number): boolean => x >= 150 && x < 159 && y >= 20 && y < 280;
    const m = mask(W, H, (x, y) => onMargin(x, y) || onShaft(x, y) || onStroke(x, y));
    const first = removeLines(m);
    expect(first.lines).toEqual([]);
    expect(first.spared).toBe(1);
    const again = removeLines(m, 'every');
    expect(again.lines).toHaveLength(1);
    expect(again.spared).toBe(0);
    expect(count(again.mask, onMargin)).toBe(0);
    expect(count(again.mask, (x, y) => onShaft(x, y) || onStroke(x, y))).toBe(count(m, (x, y) => onShaft(x, y) || onStroke(x, y)));
  });

  it('a solid region is not a line', () => {
    const m = mask(W, H, (x, y) => y >= 100 && y < 160 && x >= 20 && x < 380);
    expect(removeLines(m).lines).toEqual([]);
  });
});

describe('ruled and grid paper in a photo', () => {
  it.each([
    ['ruled', { grid: false, rotate: 4 }],
    ['grid', { grid: true, rotate: -7 }],
  ] as const)('%s: the lines are dropped, the digits are the only marks', async (_name, opts) => {
    const a = await analyseBytes(await ruledPageJpeg('4096', opts));
    expect(a.norm.lines.length).toBeGreaterThan(10);
    expect(a.reason).toBeNull();
    expect(a.segmentation.segments).toHaveLength(4);
  });
});

/** n random pixels of a w×h picture, and the Hough table's reach and size for it. */
function randomPixels(rnd: () => number, w: number, h: number, n: number): { xs: Int32Array; ys: Int32Array; reach: number; size: number } {
  const xs = Int32Array.from({ length: n }, () => Math.floor(rnd() * w));
  const ys = Int32Array.from({ length: n }, () => Math.floor(rnd() * h));
  const reach = Math.ceil(Math.hypot(w, h)) + 2;
  return { xs, ys, reach, size: 2 * reach + 1 };
}

describe('Hough counts', () => {
  it('the SIMD counts equal the TypeScript ones, before and after taking pixels out', async () => {
    expect(await loadMorphologyKernels()).toBe(true);
    const rnd = mulberry32(11);
    const n = 5000;
    const { xs, ys, reach, size } = randomPixels(rnd, 300, 200, n);
    const angles = Array.from({ length: 81 }, (_, i) => ((i - 40) * Math.PI) / 360 + (rnd() < 0.5 ? 0 : Math.PI / 2));
    const cos = Float64Array.from(angles, Math.cos);
    const sin = Float64Array.from(angles, Math.sin);
    const js = houghCountsJs(xs, ys, cos, sin, size, reach);
    const simd = houghCountsSimd(xs, ys, cos, sin, size, reach)!;
    expect(Array.from(simd.hist)).toEqual(Array.from(js.hist));
    let total = 0;
    for (const v of js.hist) total += v;
    expect(total).toBe(n * angles.length);
    const strip = Int32Array.from({ length: 700 }, (_, i) => i * 7);
    js.subtract(strip, 600);
    simd.subtract(strip, 600);
    expect(Array.from(simd.hist)).toEqual(Array.from(js.hist));
    total = 0;
    for (const v of js.hist) total += v;
    expect(total).toBe((n - 600) * angles.length);
    // the peak: the first of the highest counts, angle-major
    const best = Math.max(...js.hist);
    expect(simd.peak()).toEqual({ best, at: js.hist.indexOf(best) });
    expect(js.peak()).toEqual({ best, at: js.hist.indexOf(best) });
    // a tie placed earlier wins; no count above 0 gives 0 at 0
    simd.hist[5] = best;
    expect(simd.peak()).toEqual({ best, at: 5 });
    const none = houghCountsSimd(new Int32Array(0), new Int32Array(0), cos, sin, size, reach)!;
    expect(none.peak()).toEqual({ best: 0, at: 0 });
  });

  it('the SIMD counts equal the TypeScript ones for any number of angles (eight at a time, then four)', async () => {
    expect(await loadMorphologyKernels()).toBe(true);
    const rnd = mulberry32(12);
    const { xs, ys, reach, size } = randomPixels(rnd, 120, 90, 800);
    for (const count of [1, 4, 5, 8, 9, 12, 16, 17]) {
      const angles = Array.from({ length: count }, () => (rnd() - 0.5) * Math.PI);
      const cos = Float64Array.from(angles, Math.cos);
      const sin = Float64Array.from(angles, Math.sin);
      const js = houghCountsJs(xs, ys, cos, sin, size, reach);
      const simd = houghCountsSimd(xs, ys, cos, sin, size, reach)!;
      expect(Array.from(simd.hist)).toEqual(Array.from(js.hist));
      const strip = Int32Array.from({ length: 100 }, (_, i) => i * 5);
      js.subtract(strip, 90);
      simd.subtract(strip, 90);
      expect(Array.from(simd.hist)).toEqual(Array.from(js.hist));
    }
  });
});

describe('pixelsNear', () => {
  // The strip searches visit only the rows or columns a strip crosses: every pixel of the strip
  // must be among them (else a line would lose pixels and the answers move), on any angle.
  it.each([[300, 200, 5000], [64, 480, 3000], [17, 9, 60], [1, 40, 20]])('on %i×%i with %i ink pixels: holds every pixel of every strip, each once', (w, h, n) => {
    const rnd = mulberry32(w * 31 + h);
    const data = new Uint8Array(w * h);
    for (let t = 0; t < n; t++) data[Math.floor(rnd() * w * h)] = 1;
    const xs: number[] = [];
    const ys: number[] = [];
    data.forEach((v, i) => {
      if (v) {
        xs.push(i % w);
        ys.push(Math.floor(i / w));
      }
    });
    const X = Int32Array.from(xs);
    const Y = Int32Array.from(ys);
    const order = pixelOrder(X, Y, w, h);
    let narrower = 0;
    let missed = 0;
    for (let trial = 0; trial < 300; trial++) {
      // the angles of both families, and some others; strips anywhere across the picture
      const angle = (rnd() < 0.5 ? 0 : Math.PI / 2) + (rnd() - 0.5) * (trial % 3 === 0 ? Math.PI : (40 * Math.PI) / 180);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      const reach = Math.hypot(w, h);
      const t0 = Math.floor((rnd() * 2 - 1) * reach) - 0.5;
      const t1 = t0 + Math.floor(rnd() * 12) + (rnd() < 0.5 ? 1 : 3);
      const near = pixelsNear(order, w, h, cos, sin, t0, t1);
      const seen = new Uint8Array(X.length);
      for (let j = near.from; j < near.to; j++) seen[near.list ? near.list[j] : j]++;
      for (let k = 0; k < X.length; k++) {
        const t = Y[k] * cos - X[k] * sin;
        if (seen[k] > 1 || (t >= t0 && t <= t1 && !seen[k])) missed++;
      }
      if (near.to - near.from < X.length) narrower++;
    }
    expect(missed).toBe(0);
    // and it does leave pixels out (else it would be no faster than every pixel)
    if (n > 100) expect(narrower).toBeGreaterThan(100);
  });

  it('orders the pixels by row (as listed) and by column', () => {
    const X = Int32Array.from([0, 2, 1, 2]);
    const Y = Int32Array.from([0, 0, 1, 2]);
    const o = pixelOrder(X, Y, 3, 3);
    expect(Array.from(o.rowStart)).toEqual([0, 2, 3, 4]);
    expect(Array.from(o.colStart)).toEqual([0, 1, 2, 4]);
    expect(Array.from(o.byCol)).toEqual([0, 2, 1, 3]);
  });
});
