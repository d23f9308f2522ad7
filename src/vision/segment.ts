/**
 * Step 3: connected components → digits, left to right. Specks, the page border and marks cut by
 * the picture's edge are dropped;
 * pieces whose column ranges mostly overlap are one digit (the two strokes of a broken 4, the
 * flag of a 5 drawn apart from its body, a 7's bar), because in a row of digits two different
 * digits sit side by side, not on top of each other.
 */
import type { Component, Labelling } from './components.ts';
import type { Box } from './raster.ts';

export interface Segment {
  /** Tight box of the segment's ink, working pixels. */
  box: Box;
  /** Component ids (labels) forming this digit. */
  componentIds: number[];
  area: number;
  perimeter: number;
  /**
   * Set on a piece of a segment cut apart (two digits that touch, see cut.ts): only the ink in
   * columns [from, to) belongs to this digit.
   */
  columns?: { from: number; to: number };
}

export interface SegmentOptions {
  speckFraction: number;
  minSpeckArea: number;
  /**
   * Why a segment is not a digit at all (a line, a solid blob), or null: such marks are dropped
   * before the others are compared with them (a desk edge must not make the digit "small").
   */
  notADigit?: (s: Segment) => string | null;
  /**
   * At most this many marks are grouped into digits: when more survive the speck filter, the ones
   * with the longest box side are kept and the rest ignored. Unset: all are kept.
   */
  maxMarks?: number;
}

export interface Segmentation {
  segments: Segment[];
  /** Components left after dropping specks and border pieces (many → noise, text). */
  marks: number;
  /** What was dropped, for --explain and tests. */
  dropped: { specks: number; border: number; small: number; surplus: number };
  /** Segments dropped by `notADigit`, with the reason (the picture's reason when nothing else is left). */
  rejected: { box: Box; reason: string }[];
}

/** Two pieces are one digit when their column ranges overlap by this much of the narrower one. */
const MERGE_OVERLAP = 0.5;
/** A piece shorter than this fraction of another is a fragment, not a digit of its own. */
const SHORT_PIECE = 0.5;
/** Fragment merging: the shorter piece is under this × the union's height... */
const FRAGMENT_HEIGHT = 0.75;
/** ...the union is no wider than this × its height... */
const FRAGMENT_ASPECT = 1.15;
/** ...and the pieces are at most this × the union's height apart. */
const FRAGMENT_GAP = 0.2;
/** A border-touching piece spanning this much of the edge it touches is the page edge or table. */
const BORDER_SPAN = 0.8;
/** Border marks are dropped when an inner mark has at least this fraction of the largest one's area. */
const INNER_FRACTION = 0.01;
/** A segment shorter than this fraction of the tallest one is a stray mark (dot, comma, tick). */
const MIN_RELATIVE_HEIGHT = 0.3;

export function segmentDigits(lab: Labelling, opts: SegmentOptions): Segmentation {
  const { width: w, height: h } = lab;
  const dropped = { specks: 0, border: 0, small: 0, surplus: 0 };
  let kept: Component[] = [];
  for (const c of lab.components) {
    if (isFrame(c, w, h)) dropped.border++;
    else kept.push(c);
  }
  // Marks cut by the picture's edge (the desk, a page edge, a shadow, a line running out of the
  // photo) are not digits when the picture holds marks of its own; a digit drawn to the canvas
  // edge with nothing else is still read.
  const atBorder = (c: Component): boolean => c.touches.left || c.touches.right || c.touches.top || c.touches.bottom;
  const borderArea = kept.reduce((m, c) => (atBorder(c) ? Math.max(m, c.area) : m), 0);
  const innerMin = Math.max(3, opts.minSpeckArea * w * h, INNER_FRACTION * borderArea);
  if (borderArea > 0 && kept.some((c) => !atBorder(c) && c.area >= innerMin)) {
    const before = kept.length;
    kept = kept.filter((c) => !atBorder(c));
    dropped.border += before - kept.length;
  }
  const largest = kept.reduce((m, c) => Math.max(m, c.area), 0);
  const minArea = Math.max(opts.speckFraction * largest, opts.minSpeckArea * w * h, 3);
  const before = kept.length;
  kept = kept.filter((c) => c.area >= minArea);
  dropped.specks = before - kept.length;
  const marks = kept.length;
  if (opts.maxMarks !== undefined && marks > opts.maxMarks) {
    kept = mostPlausible(kept, opts.maxMarks);
    dropped.surplus = marks - kept.length;
  }

  // Union pieces whose column ranges overlap (transitively).
  const parent = kept.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      const a = kept[i];
      const b = kept[j];
      const overlap = Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX) + 1;
      const narrower = Math.min(a.maxX - a.minX + 1, b.maxX - b.minX + 1);
      // A short piece (a 5's flag, a 7's bar) overlapping a taller one at all belongs to it:
      // the next digit in a row is about as tall, not a fragment.
      const ha = a.maxY - a.minY + 1;
      const hb = b.maxY - b.minY + 1;
      const short = Math.min(ha, hb) < SHORT_PIECE * Math.max(ha, hb);
      if (overlap >= MERGE_OVERLAP * narrower || (short && overlap > 0) || fragmentsOfOne(a, b)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, Component[]>();
  kept.forEach((c, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(c);
    else groups.set(r, [c]);
  });
  let segments: Segment[] = [...groups.values()].map(toSegment);
  const rejected: Segmentation['rejected'] = [];
  if (opts.notADigit) {
    segments = segments.filter((s) => {
      const reason = opts.notADigit!(s);
      if (reason) rejected.push({ box: s.box, reason });
      return !reason;
    });
  }
  const tallest = segments.reduce((m, s) => Math.max(m, s.box.height), 0);
  const beforeSmall = segments.length;
  segments = segments.filter((s) => s.box.height >= MIN_RELATIVE_HEIGHT * tallest);
  dropped.small = beforeSmall - segments.length;
  segments.sort((a, b) => a.box.x + a.box.width / 2 - (b.box.x + b.box.width / 2));
  return { segments, marks, dropped, rejected };
}

/**
 * Two nearby pieces, at least one of them well short of the pair's height, whose union is
 * shaped like one digit (not wider than tall): the halves of a 7 or 5 written with a gap.
 * Two neighbouring digits are each full height, or side by side make a box twice as wide.
 */
function fragmentsOfOne(a: Component, b: Component): boolean {
  const minX = Math.min(a.minX, b.minX);
  const maxX = Math.max(a.maxX, b.maxX);
  const minY = Math.min(a.minY, b.minY);
  const maxY = Math.max(a.maxY, b.maxY);
  const w = maxX - minX + 1;
  const h = maxY - minY + 1;
  const shorter = Math.min(a.maxY - a.minY + 1, b.maxY - b.minY + 1);
  if (shorter >= FRAGMENT_HEIGHT * h || w > FRAGMENT_ASPECT * h) return false;
  const gapX = Math.max(0, Math.max(a.minX, b.minX) - Math.min(a.maxX, b.maxX) - 1);
  const gapY = Math.max(0, Math.max(a.minY, b.minY) - Math.min(a.maxY, b.maxY) - 1);
  return Math.max(gapX, gapY) <= FRAGMENT_GAP * h;
}

/**
 * The `k` marks with the longest box side, in their original order. Each piece of a digit, even
 * one broken by pencil grain, spans a good part of the digit, while grain and specks are small
 * every way; ink area would favour dense clumps of grain over thin strokes. On the synthetic dev
 * split the longest side read one more non-digit as "no digit" than ink area or box area, and no
 * digit differently (scratch runs; only 5 of 400 pictures have more marks than 36 once the
 * threshold is above the paper's grain).
 */
function mostPlausible(marks: Component[], k: number): Component[] {
  const side = (c: Component): number => Math.max(c.maxX - c.minX, c.maxY - c.minY);
  const keep = new Set(marks.map((c, i) => ({ c, i })).sort((a, b) => side(b.c) - side(a.c) || a.i - b.i).slice(0, k).map((x) => x.c));
  return marks.filter((c) => keep.has(c));
}

/** Touches an edge and runs along most of it: a page edge, a table, a frame line. */
function isFrame(c: Component, w: number, h: number): boolean {
  const cw = c.maxX - c.minX + 1;
  const ch = c.maxY - c.minY + 1;
  if ((c.touches.top || c.touches.bottom) && cw >= BORDER_SPAN * w) return true;
  if ((c.touches.left || c.touches.right) && ch >= BORDER_SPAN * h) return true;
  return false;
}

function toSegment(parts: Component[]): Segment {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let area = 0;
  let perimeter = 0;
  for (const c of parts) {
    minX = Math.min(minX, c.minX);
    minY = Math.min(minY, c.minY);
    maxX = Math.max(maxX, c.maxX);
    maxY = Math.max(maxY, c.maxY);
    area += c.area;
    perimeter += c.perimeter;
  }
  return {
    box: { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 },
    componentIds: parts.map((c) => c.id).sort((a, b) => a - b),
    area,
    perimeter,
  };
}
