/**
 * Pieces of one digit joined (pure): a look may cut a digit in pieces (a stroke broken by a line
 * taken out, a faint join, a marker's outline). Every two marks of a look lying close become one
 * mark, read as one 28×28 image, for the label-guided look (guided.ts). Tried as a look again of
 * the reader too (every mark "not a digit" → the joined pairs, one sure digit kept): dev pictures
 * 0-999 unchanged at 746 right of 800, non-digits 187 → 186 of 200, so not kept there.
 */
import type { Analysis } from './pipeline.ts';
import type { Segment } from './segment.ts';
import { segmentTo28 } from './to28.ts';

/** Two marks are pieces of one digit when the gap between their boxes is at most this many of the taller's heights. */
const JOIN_GAP = 0.3;

/**
 * The look's marks two by two where they lie close (a digit the look cut in pieces: a stroke
 * broken by a line taken out, a marker's outline), each pair as one mark; null when none.
 */
export function joinedPieces(a: Analysis): Analysis | null {
  const segs = a.segmentation.segments;
  const joined: Segment[] = [];
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      const p = segs[i]!.box;
      const q = segs[j]!.box;
      const gapX = Math.max(p.x - (q.x + q.width), q.x - (p.x + p.width), 0);
      const gapY = Math.max(p.y - (q.y + q.height), q.y - (p.y + p.height), 0);
      if (Math.max(gapX, gapY) > JOIN_GAP * Math.max(p.height, q.height)) continue;
      const x = Math.min(p.x, q.x);
      const y = Math.min(p.y, q.y);
      joined.push({
        box: { x, y, width: Math.max(p.x + p.width, q.x + q.width) - x, height: Math.max(p.y + p.height, q.y + q.height) - y },
        componentIds: [...segs[i]!.componentIds, ...segs[j]!.componentIds],
        area: segs[i]!.area + segs[j]!.area,
        perimeter: segs[i]!.perimeter + segs[j]!.perimeter,
      });
    }
  }
  if (joined.length === 0) return null;
  return { ...a, segmentation: { ...a.segmentation, segments: joined }, digits: joined.map((s) => segmentTo28(a.source, s)), cuts: joined.map(() => []) };
}
