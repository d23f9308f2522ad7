/**
 * Step 2e: ruled and grid lines, page and desk edges are not ink. They are long straight thin
 * runs of ink across much of the picture, which no digit is: for each direction within
 * ±MAX_TILT of horizontal (and of vertical), the ink pixels are counted per 1-px strip along
 * that direction (a Hough transform restricted to two families of angles); a strip holding
 * more than LINE_SPAN of the picture's extent is a line. A candidate is removed when it runs to
 * the picture's border (a page or desk edge, a line of a page filling the photo) or has
 * parallel neighbours (ruled or grid paper); a lone long stroke in the middle of a drawing (a
 * tall 1) stays. Where a digit's stroke crosses a removed line (or lies along it, wider than
 * it), the stroke is put back: ink just past the strip, once every line is cleared, means a
 * stroke passes there. A stroke as thin as the line lying exactly on it is lost.
 * Pure; works on the binary mask (ink pixels only, so the cost is ~2 × angles × ink pixels).
 */
import { countInk, forEachInk, type MaskImage } from './raster.ts';
import { houghCountsSimd, type HoughCounts } from './morphologyWasm.ts';

/** Lines are looked for up to this far from horizontal / vertical (rotated photos: ±15°, perspective). */
const MAX_TILT = (20 * Math.PI) / 180;
const ANGLE_STEP = Math.PI / 360;
/** A line holds at least this fraction of the picture's width (height for near-vertical lines). */
export const LINE_SPAN = 0.5;
/** A fainter line: this fraction, accepted only parallel to several strong lines. */
const WEAK_SPAN = 0.2;
/** ...and at least this many pixels: a small picture (an icon-sized drawing) has no ruled lines. */
const MIN_LINE_PX = 80;
/** Strips next to the peak with at least this fraction of its count belong to the same line. */
const BAND_FRACTION = 0.25;
/** A "line" thicker than this (px) is a solid region, not a line. */
const MAX_THICKNESS = 9;
/**
 * A band too thick for a line may be a thin line with a stroke lying along part of it (a grid
 * line through a digit's upright): the strips holding at least this fraction of the peak are the
 * line's core, and a core no thicker than MAX_THICKNESS is the line (the stroke stays: the pixels
 * beside the core are not taken, and the cleared ones under a wider stroke are put back).
 */
const CORE_FRACTION = 0.5;
/** Parallel lines: within this angle, at least this many in one family. */
const PARALLEL_ANGLE = (3 * Math.PI) / 180;
const PARALLEL_COUNT = 3;
/** ...and at least this far apart (px): ruled lines are spaced, the edges of one stroke are not. */
const PARALLEL_SPACING = 8;
/** A line whose ink reaches within this many pixels of the picture's edge runs to the border. */
const BORDER_REACH = 3;
/**
 * A cleared pixel is put back when there is ink this far past the line's strip (px): a stroke
 * crossing the line or lying along it, wider. The line's own blurred edge does not reach so far.
 */
const BEYOND = 4;
/** More line candidates than this: a texture or noise, not paper: nothing is removed. */
const MAX_CANDIDATES = 200;
/** A picture with more ink than this fraction is not handwriting on paper; lines are not looked for. */
const MAX_INK = 0.3;

export interface Line {
  /** direction of the line, radians from the x axis */
  angle: number;
  /** signed distance of the strip's centre from the origin along the normal (px) */
  offset: number;
  /** thickness of the strip, px */
  thickness: number;
  /** ink pixels in the strip */
  count: number;
  family: 'horizontal' | 'vertical';
  touchesBorder: boolean;
  /** holds at least LINE_SPAN of the extent (else WEAK_SPAN: kept only alongside strong parallel lines) */
  strong: boolean;
  /** the core of a thicker band (a line with a stroke along it): removed only as thin as the page's ruling */
  cored?: boolean;
  /** length of the line's ink along its direction (px) */
  span: number;
}

export interface LineRemoval {
  mask: MaskImage;
  lines: Line[];
  /** ink pixels cleared (after putting crossings back) */
  removed: number;
  /** candidates left in the mask that mode `every` would remove (a reason to look again) */
  spared: number;
}

interface Family {
  name: Line['family'];
  angles: number[];
  /** the picture's extent along the lines */
  extent: number;
}

/**
 * Which candidates go. `ruled` (the first look): lines running to the border, and lines with
 * parallel neighbours (ruled or grid paper) as thin as the page's ruling. `every` (a look again
 * when the first found no digit): every long line, and every fainter or broken one parallel to
 * long ones (a ruled page), up to 2 px thicker than the ruling (4 px on plain paper) — a margin line broken by
 * a shadow, a grid line under uneven light glued to a digit.
 */
export type LineMode = 'ruled' | 'every';

/**
 * How much thicker than it is a line looks from the angles being ANGLE_STEP apart: at up to half
 * a step from the nearest angle, a line `span` px long crosses this many more strips (a grid in
 * perspective, whose lines fan out between the steps, looks thicker than its ruling).
 */
function drift(l: Line): number {
  return Math.floor(l.span * Math.tan(ANGLE_STEP / 2));
}

/** Finds the lines of the mask and returns a mask without them (the input is not modified). */
export function removeLines(mask: MaskImage, mode: LineMode = 'ruled'): LineRemoval {
  const { width: w, height: h, data } = mask;
  const n = countInk(data);
  if (n === 0 || n > MAX_INK * data.length) return { mask, lines: [], removed: 0, spared: 0 };
  const xs = new Int32Array(n);
  const ys = new Int32Array(n);
  let k = 0;
  forEachInk(data, (i) => {
    xs[k] = i % w;
    ys[k++] = Math.floor(i / w);
  });
  const angles = (centre: number): number[] => {
    const out: number[] = [];
    for (let a = -MAX_TILT; a <= MAX_TILT + 1e-9; a += ANGLE_STEP) out.push(centre + a);
    return out;
  };
  const families: Family[] = [
    { name: 'horizontal', angles: angles(0), extent: w },
    { name: 'vertical', angles: angles(Math.PI / 2), extent: h },
  ];
  const order = pixelOrder(xs, ys, w, h);
  const found: { line: Line; bins: { angle: number; lo: number; hi: number } }[] = [];
  for (const f of families) {
    for (const c of findInFamily(xs, ys, w, h, f, order)) found.push(c);
    if (found.length > MAX_CANDIDATES) return { mask, lines: [], removed: 0, spared: 0 };
  }
  const parallel = (a: Line, b: Line): boolean =>
    a.family === b.family && Math.abs(a.angle - b.angle) <= PARALLEL_ANGLE && (a === b || Math.abs(a.offset - b.offset) >= PARALLEL_SPACING);
  /** Parallel to enough long lines: ruled or grid paper. */
  const onRuling = ({ line }: (typeof found)[number]): boolean => found.filter((o) => o.line.strong && parallel(line, o.line)).length >= PARALLEL_COUNT;
  const isStrong = (c: (typeof found)[number]): boolean => c.line.strong && (c.line.touchesBorder || onRuling(c));
  const strong = found.filter((c) => !c.line.cored && isStrong(c));
  // A fainter or broken line (uneven light, a grid line under perspective) goes when the page is
  // ruled (some strong line was kept), it has parallel neighbours and is no thicker than the ruling;
  // so does the core of a band (a ruling line through a digit's upright), strong or not.
  const thickness = strong.map((k) => k.line.thickness).sort((a, b) => a - b)[Math.floor(strong.length / 2)] ?? 0;
  const ruling = (c: (typeof found)[number]): boolean => c.line.thickness <= thickness + 1 + drift(c.line);
  const weak =
    strong.length === 0
      ? []
      : found.filter(
          (c) =>
            (c.line.cored ? isStrong(c) : !c.line.strong && found.filter((o) => parallel(c.line, o.line)).length >= PARALLEL_COUNT) && ruling(c),
        );
  // a look again: any line a little thicker than the ruling (a thick one is a stroke: an arrow's shaft)
  const every = found.filter(
    (c) => c.line.thickness <= Math.max(thickness, 2) + 2 + drift(c.line) && (c.line.strong || onRuling(c)),
  );
  const keep = mode === 'every' ? every : [...strong, ...weak];
  const spared = every.length - every.filter((c) => keep.includes(c)).length;
  if (keep.length === 0) return { mask, lines: [], removed: 0, spared };

  // Clear every strip, then put back the pixels where ink continues on both sides (a stroke crossing).
  const out = Uint8Array.from(data);
  // the cleared pixels (each once, by the first line that clears it): index, the line's normal
  // (-sin, cos) and the distances to just past its strip on each side
  const cleared = { i: new Int32Array(n), nx: new Float64Array(n), ny: new Float64Array(n), before: new Float64Array(n), after: new Float64Array(n) };
  let nCleared = 0;
  for (const { bins } of keep) {
    const sin = Math.sin(bins.angle);
    const cos = Math.cos(bins.angle);
    // One pixel of margin each side: the strip's anti-aliased edges (a stroke crossing is put back below).
    const near = pixelsNear(order, w, h, cos, sin, bins.lo - 1.5, bins.hi + 1.5);
    for (let j = near.from; j < near.to; j++) {
      const k = near.list ? near.list[j] : j;
      const r = ys[k] * cos - xs[k] * sin;
      if (r < bins.lo - 1.5 || r > bins.hi + 1.5) continue;
      const i = ys[k] * w + xs[k];
      if (!out[i]) continue;
      out[i] = 0;
      cleared.i[nCleared] = i;
      cleared.nx[nCleared] = -sin;
      cleared.ny[nCleared] = cos;
      cleared.before[nCleared] = r - bins.lo + BEYOND;
      cleared.after[nCleared++] = bins.hi - r + BEYOND;
    }
  }
  const inkAt = (x: number, y: number): boolean => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    return xi >= 0 && yi >= 0 && xi < w && yi < h && out[yi * w + xi] === 1;
  };
  const restore: number[] = [];
  for (let c = 0; c < nCleared; c++) {
    const i = cleared.i[c];
    const x = i % w;
    const y = (i - x) / w;
    const cnx = cleared.nx[c];
    const cny = cleared.ny[c];
    const after = cleared.after[c];
    const before = cleared.before[c];
    // Ink just past the strip on either side: a stroke crossing the line, or lying along it but wider.
    if (inkAt(x + cnx * after, y + cny * after) || inkAt(x - cnx * before, y - cny * before)) restore.push(i);
  }
  for (const i of restore) out[i] = 1;
  return { mask: { width: w, height: h, data: out }, lines: keep.map((k) => k.line), removed: nCleared - restore.length, spared };
}

/**
 * The strip counts of one family (angles × size, flat): pixel k falls in strip
 * Math.floor(ys[k] * cos[a] - xs[k] * sin[a] + 0.5) + reach at angle a. Math.floor(v + 0.5) is
 * Math.round(v) for every double but 0.5 − 2⁻⁵⁴, and V8 runs it ~3× faster; every count and
 * decount uses this one rounding (and the SIMD module's twin the same f64 arithmetic).
 */
export function houghCountsJs(xs: Int32Array, ys: Int32Array, cos: Float64Array, sin: Float64Array, size: number, reach: number): HoughCounts {
  const hist = new Int32Array(cos.length * size);
  const add = (list: Int32Array | null, n: number, delta: number): void => {
    for (let a = 0; a < cos.length; a++) {
      const row = a * size + reach;
      const ca = cos[a];
      const sa = sin[a];
      if (list) {
        for (let t = 0; t < n; t++) {
          const k = list[t];
          hist[row + Math.floor(ys[k] * ca - xs[k] * sa + 0.5)] += delta;
        }
      } else {
        for (let k = 0; k < n; k++) hist[row + Math.floor(ys[k] * ca - xs[k] * sa + 0.5)] += delta;
      }
    }
  };
  add(null, xs.length, 1);
  const peak = (): { best: number; at: number } => {
    let best = 0;
    let at = 0;
    for (let i = 0; i < hist.length; i++) {
      if (hist[i] > best) {
        best = hist[i];
        at = i;
      }
    }
    return { best, at };
  };
  return { hist, subtract: (strip, taken) => add(strip, taken, -1), peak };
}

/** Greedy peak picking over the strip counts of one family of angles. */
function findInFamily(
  xs: Int32Array, ys: Int32Array, w: number, h: number, f: Family, order: PixelOrder,
): { line: Line; bins: { angle: number; lo: number; hi: number } }[] {
  const n = xs.length;
  const minCount = Math.max(MIN_LINE_PX, LINE_SPAN * f.extent);
  const weakCount = Math.max(MIN_LINE_PX / 2, WEAK_SPAN * f.extent);
  if (n < weakCount) return [];
  const reach = Math.ceil(Math.hypot(w, h)) + 2;
  const size = 2 * reach + 1;
  const sin = Float64Array.from(f.angles, (a) => Math.sin(a));
  const cos = Float64Array.from(f.angles, (a) => Math.cos(a));
  const counts = houghCountsSimd(xs, ys, cos, sin, size, reach) ?? houghCountsJs(xs, ys, cos, sin, size, reach);
  /** the counts of angle a, size strips */
  const hist = f.angles.map((_, a) => counts.hist.subarray(a * size, (a + 1) * size));
  const alive = new Uint8Array(n).fill(1);
  /** the pixels of the strip being taken out */
  const strip = new Int32Array(n);
  const out: { line: Line; bins: { angle: number; lo: number; hi: number } }[] = [];
  for (let iter = 0; iter < MAX_CANDIDATES + 1; iter++) {
    // the first of the highest counts, angle by angle (in the SIMD module when loaded)
    const { best, at } = counts.peak();
    const ba = Math.floor(at / size);
    const bb = at - ba * size;
    if (best < weakCount) break;
    const hA = hist[ba];
    let lo = bb;
    let hi = bb;
    // The whole band, however thick: a thick stroke is consumed at once, not as several thin "lines".
    while (lo > 0 && hA[lo - 1] >= BAND_FRACTION * best) lo--;
    while (hi < size - 1 && hA[hi + 1] >= BAND_FRACTION * best) hi++;
    let cored = false;
    if (hi - lo + 1 > MAX_THICKNESS) {
      let cl = bb;
      let ch = bb;
      while (cl > lo && hA[cl - 1] >= CORE_FRACTION * best) cl--;
      while (ch < hi && hA[ch + 1] >= CORE_FRACTION * best) ch++;
      if (ch - cl + 1 <= MAX_THICKNESS) {
        lo = cl;
        hi = ch;
        cored = true;
      }
    }
    // The strip's pixels leave the counts of every angle (so the same line is not found twice).
    let minX = w;
    let maxX = -1;
    let minY = h;
    let maxY = -1;
    const cb = cos[ba];
    const sb = sin[ba];
    let taken = 0;
    // pixel k is in the band when floor(t + 0.5) + reach is in lo..hi, t = ys[k]·cb − xs[k]·sb
    const near = pixelsNear(order, w, h, cb, sb, lo - reach - 0.5, hi - reach + 0.5);
    for (let j = near.from; j < near.to; j++) {
      const k = near.list ? near.list[j] : j;
      if (!alive[k]) continue;
      const b = Math.floor(ys[k] * cb - xs[k] * sb + 0.5) + reach;
      if (b < lo || b > hi) continue;
      alive[k] = 0;
      strip[taken++] = k;
      if (xs[k] < minX) minX = xs[k];
      if (xs[k] > maxX) maxX = xs[k];
      if (ys[k] < minY) minY = ys[k];
      if (ys[k] > maxY) maxY = ys[k];
    }
    counts.subtract(strip, taken);
    if (hi - lo + 1 > MAX_THICKNESS) continue; // a solid region: dropped from the counts, not a line
    const touchesBorder =
      f.name === 'horizontal' ? minX < BORDER_REACH || maxX >= w - BORDER_REACH : minY < BORDER_REACH || maxY >= h - BORDER_REACH;
    out.push({
      line: {
        angle: f.angles[ba],
        offset: (lo + hi) / 2 - reach,
        thickness: hi - lo + 1,
        count: best,
        family: f.name,
        touchesBorder,
        strong: best >= minCount,
        ...(cored ? { cored } : {}),
        span: f.name === 'horizontal' ? maxX - minX + 1 : maxY - minY + 1,
      },
      bins: { angle: f.angles[ba], lo: lo - reach, hi: hi - reach },
    });
  }
  return out;
}

/**
 * The ink pixels (indices into xs, ys, listed row by row) by row and by column, so that a strip
 * is looked for only among the rows or columns it crosses: `rowStart[y]` .. `rowStart[y + 1]` are
 * row y's pixels; `byCol[colStart[x]]` .. `byCol[colStart[x + 1] - 1]` column x's.
 */
export interface PixelOrder {
  rowStart: Int32Array;
  byCol: Int32Array;
  colStart: Int32Array;
}

export function pixelOrder(xs: Int32Array, ys: Int32Array, w: number, h: number): PixelOrder {
  const n = xs.length;
  const rowStart = new Int32Array(h + 1);
  const colStart = new Int32Array(w + 1);
  for (let k = 0; k < n; k++) {
    rowStart[ys[k] + 1]++;
    colStart[xs[k] + 1]++;
  }
  for (let y = 0; y < h; y++) rowStart[y + 1] += rowStart[y];
  for (let x = 0; x < w; x++) colStart[x + 1] += colStart[x];
  const next = colStart.slice(0, w);
  const byCol = new Int32Array(n);
  for (let k = 0; k < n; k++) byCol[next[xs[k]]++] = k;
  return { rowStart, byCol, colStart };
}

/** Below this |cos| (|sin|) a strip's rows (columns) are not bounded: it may cross them all. */
const MIN_SLOPE = 0.05;

/**
 * The pixels that may have t = y·cos − x·sin within [t0, t1]: those of the rows (or columns,
 * whichever holds fewer pixels) that the strip crosses in the w×h picture, one more each side
 * (t as computed in floats is within far less than a row or column of its exact value): a
 * superset of the strip's pixels, so the callers' own test of each pixel decides as before.
 * Pixel k is `list[j]` for j in from..to-1, or j itself when `list` is null.
 */
export function pixelsNear(
  order: PixelOrder, w: number, h: number, cos: number, sin: number, t0: number, t1: number,
): { list: Int32Array | null; from: number; to: number } {
  let best: { list: Int32Array | null; from: number; to: number } = { list: null, from: 0, to: order.byCol.length };
  /** the lines (rows or columns) 0..len-1 from one below the least of `ends` to one above the greatest */
  const lines = (len: number, ends: number[]): [number, number] => [
    Math.max(0, Math.floor(Math.min(...ends)) - 1),
    Math.min(len - 1, Math.ceil(Math.max(...ends)) + 1),
  ];
  const consider = (list: Int32Array | null, start: Int32Array, [a, b]: [number, number]): void => {
    const from = a > b ? 0 : start[a];
    const to = a > b ? 0 : start[b + 1];
    if (to - from < best.to - best.from) best = { list, from, to };
  };
  // rows: y = (t + x·sin) / cos over x in 0..w-1; columns: x = (y·cos − t) / sin over y in 0..h-1
  if (Math.abs(cos) >= MIN_SLOPE) consider(null, order.rowStart, lines(h, [t0 / cos, t1 / cos, (t0 + (w - 1) * sin) / cos, (t1 + (w - 1) * sin) / cos]));
  if (Math.abs(sin) >= MIN_SLOPE) consider(order.byCol, order.colStart, lines(w, [-t0 / sin, -t1 / sin, ((h - 1) * cos - t0) / sin, ((h - 1) * cos - t1) / sin]));
  return best;
}
