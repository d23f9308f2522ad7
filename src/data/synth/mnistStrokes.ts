/**
 * MNIST digits as pen paths: a 28x28 digit is upsampled, thresholded, thinned to a one-pixel
 * skeleton (Zhang-Suen), traced into polylines and smoothed, so that it can be re-drawn with any pen.
 * Only the MNIST training file is read, and each split has its own index range (SYNTH_API.md).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readIdxFile } from '../idx.ts';
import { mnistDir } from '../mnist.ts';
import type { Poly } from './geometry.ts';
import type { SynthSplit } from './types.ts';

/** MNIST training-file indices per split: train 0-49,999; dev 50,000-54,999; test 55,000-59,999. */
export const MNIST_RANGES: Record<SynthSplit, { start: number; end: number }> = {
  train: { start: 0, end: 50_000 },
  dev: { start: 50_000, end: 55_000 },
  test: { start: 55_000, end: 60_000 },
};

interface RawMnist {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

let raw: Promise<RawMnist> | null = null;

function locate(dir: string, name: string): string {
  const plain = join(dir, name);
  return !existsSync(plain) && existsSync(plain + '.gz') ? plain + '.gz' : plain;
}

/** The training file as bytes (47 MB, read once per process). */
function trainingFile(): Promise<RawMnist> {
  if (raw === null) {
    const dir = mnistDir();
    raw = Promise.all([
      readIdxFile(locate(dir, 'train-images-idx3-ubyte'), 'images'),
      readIdxFile(locate(dir, 'train-labels-idx1-ubyte'), 'labels'),
    ]).then(([img, lab]) => ({ images: img.data, labels: lab.data, n: img.dims[0] }));
    raw.catch(() => {
      raw = null;
    });
  }
  return raw;
}

const byLabel = new Map<SynthSplit, number[][]>();

/** The MNIST indices of `split`'s range whose label is `digit`. */
async function indicesOf(split: SynthSplit, digit: number): Promise<number[]> {
  let lists = byLabel.get(split);
  if (lists === undefined) {
    const m = await trainingFile();
    const { start, end } = MNIST_RANGES[split];
    lists = Array.from({ length: 10 }, () => [] as number[]);
    for (let i = start; i < Math.min(end, m.n); i++) lists[m.labels[i]].push(i);
    byLabel.set(split, lists);
  }
  return lists[digit];
}

export interface MnistStrokes {
  /** MNIST training-file index the digit came from */
  index: number;
  /** centre-line polylines in a unit frame: the skeleton spans y 0..1, x from 0 */
  lines: Poly[];
  /** skeleton width / height */
  aspect: number;
}

const UP = 3; // upsampling factor before thinning
const S = 28 * UP;

/** The centre line of a random MNIST digit `digit` of `split`, chosen by `u` in [0, 1). */
export async function mnistDigitStrokes(split: SynthSplit, digit: number, u: number): Promise<MnistStrokes> {
  const list = await indicesOf(split, digit);
  const m = await trainingFile();
  // a few tries: a digit whose skeleton is degenerate (a dot) is skipped
  for (let k = 0; k < 5; k++) {
    const index = list[Math.floor(((u + k * 0.618034) % 1) * list.length)];
    const lines = traceDigit(m.images.subarray(index * 784, index * 784 + 784));
    const norm = normalise(lines);
    if (norm !== null) return { index, ...norm };
  }
  throw new Error(`no usable MNIST digit ${digit} in split ${split}`);
}

/** Skeleton polylines of one 28x28 image, in upsampled pixel units. */
export function traceDigit(img: Uint8Array): Poly[] {
  const mask = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) {
    const sy = (y + 0.5) / UP - 0.5;
    const y0 = Math.max(0, Math.min(27, Math.floor(sy)));
    const y1 = Math.min(27, y0 + 1);
    const fy = Math.max(0, Math.min(1, sy - y0));
    for (let x = 0; x < S; x++) {
      const sx = (x + 0.5) / UP - 0.5;
      const x0 = Math.max(0, Math.min(27, Math.floor(sx)));
      const x1 = Math.min(27, x0 + 1);
      const fx = Math.max(0, Math.min(1, sx - x0));
      const v =
        (img[y0 * 28 + x0] * (1 - fx) + img[y0 * 28 + x1] * fx) * (1 - fy) + (img[y1 * 28 + x0] * (1 - fx) + img[y1 * 28 + x1] * fx) * fy;
      mask[y * S + x] = v > 100 ? 1 : 0;
    }
  }
  thin(mask, S, S);
  unstair(mask, S, S);
  const { lines, degree } = trace(mask, S, S);
  return prune(lines, degree);
}

/** Zhang-Suen thinning in place (1 = ink). */
function thin(m: Uint8Array, w: number, h: number): void {
  const del: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (let pass = 0; pass < 2; pass++) {
      del.length = 0;
      for (let y = 1; y < h - 1; y++) {
        for (let x = 1; x < w - 1; x++) {
          const i = y * w + x;
          if (!m[i]) continue;
          const p2 = m[i - w], p3 = m[i - w + 1], p4 = m[i + 1], p5 = m[i + w + 1];
          const p6 = m[i + w], p7 = m[i + w - 1], p8 = m[i - 1], p9 = m[i - w - 1];
          const b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
          if (b < 2 || b > 6) continue;
          const seq = [p2, p3, p4, p5, p6, p7, p8, p9, p2];
          let a = 0;
          for (let k = 0; k < 8; k++) if (seq[k] === 0 && seq[k + 1] === 1) a++;
          if (a !== 1) continue;
          if (pass === 0 ? p2 * p4 * p6 === 0 && p4 * p6 * p8 === 0 : p2 * p4 * p8 === 0 && p2 * p6 * p8 === 0) del.push(i);
        }
      }
      for (const i of del) m[i] = 0;
      if (del.length > 0) changed = true;
    }
  }
}

/**
 * Removes staircase corners: a pixel whose two 4-neighbours at a right angle are each other's
 * diagonal neighbours, with nothing on the opposite side, adds nothing to 8-connectivity.
 */
function unstair(m: Uint8Array, w: number, h: number): void {
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (!m[i]) continue;
      const n = m[i - w], e = m[i + 1], so = m[i + w], we = m[i - 1];
      const ne = m[i - w + 1], se = m[i + w + 1], sw = m[i + w - 1], nw = m[i - w - 1];
      if ((n && e && !so && !we && !sw) || (e && so && !n && !we && !nw) || (so && we && !n && !e && !ne) || (we && n && !so && !e && !se)) m[i] = 0;
    }
  }
}

const NB = [
  [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1],
] as const;

/** Walks the skeleton graph into polylines (node to node, then leftover cycles). */
function trace(m: Uint8Array, w: number, h: number): { lines: Poly[]; degree: (x: number, y: number) => number } {
  const idx = (x: number, y: number): number => y * w + x;
  const neighbours = (i: number): number[] => {
    const x = i % w;
    const y = (i - x) / w;
    const out: number[] = [];
    for (const [dx, dy] of NB) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx >= 0 && ny >= 0 && nx < w && ny < h && m[idx(nx, ny)]) out.push(idx(nx, ny));
    }
    return out;
  };
  const seen = new Set<number>();
  const edgeKey = (a: number, b: number): number => (a < b ? a * w * h + b : b * w * h + a);
  const pixels: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i]) pixels.push(i);
  const degree = new Map<number, number>();
  for (const i of pixels) degree.set(i, neighbours(i).length);
  const lines: Poly[] = [];
  const walk = (start: number, next: number): void => {
    const path = [start];
    let prev = start;
    let cur = next;
    seen.add(edgeKey(prev, cur));
    for (;;) {
      path.push(cur);
      if (degree.get(cur) !== 2) break;
      const nxt = neighbours(cur).find((n) => n !== prev && !seen.has(edgeKey(cur, n)));
      if (nxt === undefined) break;
      seen.add(edgeKey(cur, nxt));
      prev = cur;
      cur = nxt;
      if (cur === start) {
        path.push(cur);
        break;
      }
    }
    const poly: Poly = [];
    for (const p of path) poly.push(p % w, Math.floor(p / w));
    lines.push(poly);
  };
  for (const i of pixels) {
    if (degree.get(i) === 2) continue;
    for (const n of neighbours(i)) if (!seen.has(edgeKey(i, n))) walk(i, n);
  }
  for (const i of pixels) {
    for (const n of neighbours(i)) if (!seen.has(edgeKey(i, n))) walk(i, n);
  }
  if (lines.length === 0 && pixels.length > 0) lines.push([pixels[0] % w, Math.floor(pixels[0] / w)]);
  return { lines, degree: (x, y) => degree.get(idx(x, y)) ?? 0 };
}

function polyLength(p: Poly): number {
  let s = 0;
  for (let i = 2; i < p.length; i += 2) s += Math.hypot(p[i] - p[i - 2], p[i + 1] - p[i - 1]);
  return s;
}

/**
 * Drops short spurs (a free end joined to a junction) and tiny isolated pieces, keeping every
 * junction-to-junction piece so the digit stays connected; then smooths each line (ends kept).
 */
function prune(lines: Poly[], degree: (x: number, y: number) => number): Poly[] {
  const total = lines.reduce((s, l) => s + polyLength(l), 0);
  const kept = lines.filter((l) => {
    const len = polyLength(l);
    const freeA = degree(l[0], l[1]) <= 1;
    const freeB = degree(l[l.length - 2], l[l.length - 1]) <= 1;
    if (freeA && freeB) return len >= total * 0.06;
    if (freeA || freeB) return len >= Math.max(3 * UP, total * 0.05);
    return true;
  });
  return joinPieces(kept.length > 0 ? kept : lines).map((l) => {
    let s = l;
    for (let k = 0; k < 5; k++) s = smooth(s);
    return s;
  });
}

/**
 * Joins the skeleton's pieces into pen strokes: piece ends closer than 1.5 px are one node (a
 * junction cluster); one-step pieces inside a node are dropped; at each node the two most nearly collinear
 * ends are joined, so that a stroke runs through a crossing as a pen would.
 */
function joinPieces(lines: Poly[]): Poly[] {
  type End = { line: number; atStart: boolean };
  let polys = lines.map((l) => l.slice());
  for (let round = 0; round < 40; round++) {
    // cluster ends into nodes
    const ends: { x: number; y: number; end: End }[] = [];
    polys.forEach((l, i) => {
      const closed = l.length > 4 && l[0] === l[l.length - 2] && l[1] === l[l.length - 1];
      if (closed) return;
      ends.push({ x: l[0], y: l[1], end: { line: i, atStart: true } });
      ends.push({ x: l[l.length - 2], y: l[l.length - 1], end: { line: i, atStart: false } });
    });
    const node = ends.map((_, i) => i);
    const find = (i: number): number => (node[i] === i ? i : (node[i] = find(node[i])));
    for (let i = 0; i < ends.length; i++) {
      for (let j = i + 1; j < ends.length; j++) {
        if (Math.hypot(ends[i].x - ends[j].x, ends[i].y - ends[j].y) <= 1.5) node[find(i)] = find(j);
      }
    }
    // drop short pieces whose two ends are in one node (inside a junction cluster)
    const drop = new Set<number>();
    for (let i = 0; i < ends.length; i += 2) {
      if (find(i) === find(i + 1) && polyLength(polys[ends[i].end.line]) <= 1.5) drop.add(ends[i].end.line);
    }
    if (drop.size > 0 && drop.size < polys.length) {
      polys = polys.filter((_, i) => !drop.has(i));
      continue;
    }
    // join the best pair of ends at some node
    const groups = new Map<number, number[]>();
    ends.forEach((_, i) => {
      const r = find(i);
      groups.set(r, [...(groups.get(r) ?? []), i]);
    });
    let joined = false;
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      let best: [number, number] | null = null;
      let bestCos = -0.2; // at most ~100° of turn
      for (let a = 0; a < members.length; a++) {
        for (let b = a + 1; b < members.length; b++) {
          const ea = ends[members[a]].end;
          const eb = ends[members[b]].end;
          if (ea.line === eb.line) continue;
          const da = direction(polys[ea.line], ea.atStart);
          const db = direction(polys[eb.line], eb.atStart);
          const cos = -(da[0] * db[0] + da[1] * db[1]); // both point away from the node: straight = -1
          if (cos > bestCos || members.length === 2) {
            bestCos = cos;
            best = [members[a], members[b]];
          }
        }
      }
      if (best === null) continue;
      const ea = ends[best[0]].end;
      const eb = ends[best[1]].end;
      const A = ea.atStart ? reversePoly(polys[ea.line]) : polys[ea.line];
      const B = eb.atStart ? polys[eb.line] : reversePoly(polys[eb.line]);
      const merged = [...A, ...B.slice(2)];
      polys = polys.filter((_, i) => i !== ea.line && i !== eb.line);
      polys.push(merged);
      joined = true;
      break;
    }
    if (!joined) break;
  }
  return polys;
}

/** Unit direction from a line's end into the line (over ~4 px). */
function direction(l: Poly, atStart: boolean): [number, number] {
  const n = l.length / 2;
  const k = Math.min(n - 1, 4);
  const [x0, y0, x1, y1] = atStart ? [l[0], l[1], l[2 * k], l[2 * k + 1]] : [l[2 * (n - 1)], l[2 * (n - 1) + 1], l[2 * (n - 1 - k)], l[2 * (n - 1 - k) + 1]];
  const d = Math.hypot(x1 - x0, y1 - y0) || 1;
  return [(x1 - x0) / d, (y1 - y0) / d];
}

function reversePoly(l: Poly): Poly {
  const out: Poly = [];
  for (let i = l.length - 2; i >= 0; i -= 2) out.push(l[i], l[i + 1]);
  return out;
}

function smooth(p: Poly): Poly {
  const n = p.length / 2;
  if (n < 3) return p;
  const closed = p[0] === p[p.length - 2] && p[1] === p[p.length - 1];
  const out = p.slice();
  for (let i = 1; i < n - 1; i++) {
    out[2 * i] = (p[2 * i - 2] + 2 * p[2 * i] + p[2 * i + 2]) / 4;
    out[2 * i + 1] = (p[2 * i - 1] + 2 * p[2 * i + 1] + p[2 * i + 3]) / 4;
  }
  if (closed) {
    const x = (p[2 * n - 4] + 2 * p[0] + p[2]) / 4;
    const y = (p[2 * n - 3] + 2 * p[1] + p[3]) / 4;
    out[0] = out[2 * n - 2] = x;
    out[1] = out[2 * n - 1] = y;
  }
  return out;
}

/** Scales the lines so that they span y 0..1 with x starting at 0; null when degenerate. */
function normalise(lines: Poly[]): { lines: Poly[]; aspect: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const l of lines) {
    for (let i = 0; i < l.length; i += 2) {
      x0 = Math.min(x0, l[i]);
      x1 = Math.max(x1, l[i]);
      y0 = Math.min(y0, l[i + 1]);
      y1 = Math.max(y1, l[i + 1]);
    }
  }
  const hgt = y1 - y0;
  if (!(hgt > 4 * UP)) return null;
  return { lines: lines.map((l) => l.map((v, i) => (i % 2 === 0 ? (v - x0) / hgt : (v - y0) / hgt))), aspect: (x1 - x0) / hgt };
}
