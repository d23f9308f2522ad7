/**
 * Step 3b: digits that touch. Two digits written into each other are one connected component,
 * hence one segment. This module proposes where such a segment could be cut (vertical cuts at
 * the thin places of its column ink profile), builds the pieces a cut leaves, and picks the best
 * way to cut from per-piece scores. It never sees the model: `touching.ts` scores the pieces.
 */
import { strokeWidth } from './components.ts';
import type { Segment } from './segment.ts';

/**
 * A segment this much wider than tall may be more than one digit. MNIST digits (ink > 0.5, at
 * their native aspect) have width/height 0.75 median; 10% are wider than 1.1, 4.5% wider than
 * 1.2, 2.2% wider than 1.3 (train and test alike). Two touching digits side by side are about
 * 1.2-1.6. A narrower segment is only tried when the model is unsure of it as one digit.
 */
export const SPLIT_ASPECT = 1.1;
/**
 * A piece narrower than this × the segment's height, or than a stroke, is not a digit: the 5th
 * percentile of MNIST 1s' width/height (median 0.35). Narrower pieces are mostly slivers of a
 * round digit, which the model reads as confident 1s.
 */
const MIN_PIECE_WIDTH = 0.15;
/** A piece wider than this × the segment's height is not one digit (MNIST: 1.43 at the 99th percentile). */
const MAX_PIECE_WIDTH = 1.5;
/**
 * Besides the thin places, cuts are tried every this × the height: where two digits overlap
 * (a 2's tail running into a 0) the ink profile is thick, not thin, at the join.
 */
const GRID_STEP = 1 / 8;
/** A piece shorter than this × the segment's height is a stroke end, not a digit in the row. */
const MIN_PIECE_HEIGHT = 0.5;
/** Only a segment at least this many strokes tall is cut (a line or a dash is not). */
const MIN_HEIGHT_IN_STROKES = 3;
/** At most this many thin-place cuts per segment. */
const MAX_MINIMA = 5;

/**
 * Candidate cut columns (absolute working-pixel x, left to right) of one segment: the local
 * minima of its column ink count smoothed over a stroke width (the thin join of two digits that
 * just touch), plus a regular grid for digits that overlap, each at least a narrow digit's width
 * from the box's sides. Empty when the segment cannot hold two digits (too narrow, or too few
 * strokes tall to be digits at all: a line, a dash).
 */
export function proposeCuts(labels: Int32Array, width: number, seg: Segment): number[] {
  const { x, width: bw, height: bh } = seg.box;
  const stroke = strokeWidth(seg.area, seg.perimeter);
  const minWidth = minPieceWidth(seg);
  if (bh < MIN_HEIGHT_IN_STROKES * stroke || bw < 2 * minWidth) return [];
  const profile = smooth(columnProfile(labels, width, seg), Math.max(1, Math.round(stroke)) | 1);
  const minima: number[] = [];
  for (let s = 0; s < bw; ) {
    // A run of equal values (a plateau) is one minimum, at its middle.
    let e = s;
    while (e + 1 < bw && profile[e + 1] === profile[s]) e++;
    const mid = (s + e) >> 1;
    const lower = (s === 0 || profile[s - 1] > profile[s]) && (e === bw - 1 || profile[e + 1] > profile[s]);
    if (lower && mid >= minWidth && mid <= bw - minWidth) minima.push(mid);
    s = e + 1;
  }
  minima.sort((a, b) => profile[a] - profile[b] || a - b);
  const cuts: number[] = [];
  for (const c of minima) {
    if (cuts.length === MAX_MINIMA) break;
    if (cuts.every((k) => Math.abs(k - c) >= minWidth)) cuts.push(c);
  }
  const step = Math.max(1, Math.round(GRID_STEP * bh));
  for (let c = minWidth; c <= bw - minWidth; c += step) {
    if (cuts.every((k) => Math.abs(k - c) >= step / 2)) cuts.push(c);
  }
  return cuts.sort((a, b) => a - b).map((c) => c + x);
}

function minPieceWidth(seg: Segment): number {
  return Math.max(2, Math.ceil(MIN_PIECE_WIDTH * seg.box.height), Math.round(strokeWidth(seg.area, seg.perimeter)));
}

/** Ink pixels of the segment in each column of its box. */
export function columnProfile(labels: Int32Array, width: number, seg: Segment): Float32Array {
  const { x, y, width: bw, height: bh } = seg.box;
  const ids = new Set(seg.componentIds);
  const out = new Float32Array(bw);
  for (let r = y; r < y + bh; r++) {
    for (let c = 0; c < bw; c++) if (ids.has(labels[r * width + x + c])) out[c]++;
  }
  return out;
}

function smooth(v: Float32Array, size: number): Float32Array {
  const r = size >> 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let s = 0;
    let n = 0;
    for (let k = Math.max(0, i - r); k <= Math.min(v.length - 1, i + r); k++) {
      s += v[k];
      n++;
    }
    out[i] = s / n;
  }
  return out;
}

/**
 * The part of a segment in columns [from, to): its own tight box, ink area and perimeter (a
 * neighbour across the cut is still ink, so the cut adds no perimeter), and the column range that
 * `cropSegment` keeps to. Null when it is too small to be a digit of the row.
 */
export function pieceOf(labels: Int32Array, width: number, seg: Segment, from: number, to: number): Segment | null {
  const h = seg.box.height;
  const minWidth = minPieceWidth(seg);
  if (to - from < minWidth) return null;
  const ids = new Set(seg.componentIds);
  const height = labels.length / width;
  const inSeg = (px: number, py: number): boolean => px >= 0 && py >= 0 && px < width && py < height && ids.has(labels[py * width + px]);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  let area = 0;
  let perimeter = 0;
  for (let py = seg.box.y; py < seg.box.y + seg.box.height; py++) {
    for (let px = from; px < to; px++) {
      if (!inSeg(px, py)) continue;
      area++;
      if (!inSeg(px - 1, py) || !inSeg(px + 1, py) || !inSeg(px, py - 1) || !inSeg(px, py + 1)) perimeter++;
      if (px < minX) minX = px;
      if (px > maxX) maxX = px;
      if (py < minY) minY = py;
      if (py > maxY) maxY = py;
    }
  }
  if (maxX < 0) return null;
  const box = { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
  if (box.width < minWidth || box.width > MAX_PIECE_WIDTH * h || box.height < MIN_PIECE_HEIGHT * h) return null;
  return { box, componentIds: seg.componentIds, area, perimeter, columns: { from, to } };
}

/**
 * The best way to cut a run of `n` spans into at most `maxPieces` consecutive pieces:
 * `score(i, j)` is the log score of the piece from bound i to bound j (0 ≤ i < j ≤ n; -Infinity
 * when it is no digit). Returns the bounds used, from 0 to n, maximising the summed score
 * (dynamic programming over (bound, pieces so far)); [0, n] when nothing scores.
 */
export function bestPartition(n: number, score: (i: number, j: number) => number, maxPieces = n): number[] {
  const k = Math.max(1, Math.min(maxPieces, n));
  const cache = new Map<number, number>();
  const s = (i: number, j: number): number => {
    const key = i * (n + 1) + j;
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = score(i, j)));
    return v;
  };
  // best[m][j]: best total of cutting bounds 0..j into exactly m pieces.
  const best = Array.from({ length: k + 1 }, () => new Float64Array(n + 1).fill(-Infinity));
  const from = Array.from({ length: k + 1 }, () => new Int32Array(n + 1).fill(-1));
  best[0][0] = 0;
  for (let m = 1; m <= k; m++) {
    for (let j = 1; j <= n; j++) {
      for (let i = m - 1; i < j; i++) {
        if (best[m - 1][i] === -Infinity) continue;
        const v = best[m - 1][i] + s(i, j);
        if (v > best[m][j]) {
          best[m][j] = v;
          from[m][j] = i;
        }
      }
    }
  }
  let m = 0;
  for (let c = 1; c <= k; c++) if (best[c][n] > (m ? best[m][n] : -Infinity)) m = c;
  if (m === 0) return [0, n];
  const bounds = [n];
  for (let j = n; m > 0; m--) bounds.push((j = from[m][j]));
  return bounds.reverse();
}
