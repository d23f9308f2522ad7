/** Cutting digits that touch, the pure part: cut proposals, pieces, the best cutting, the crop of a piece. */
import { describe, expect, it } from 'vitest';
import { labelComponents } from '../../src/vision/components.ts';
import { segmentDigits, type Segment } from '../../src/vision/segment.ts';
import { bestPartition, columnProfile, pieceOf, proposeCuts } from '../../src/vision/cut.ts';
import { cropSegment } from '../../src/vision/to28.ts';
import type { MaskImage } from '../../src/vision/raster.ts';

const W = 60;
const H = 50;

/** A mask with the given filled rectangles [x, y, width, height]. */
function mask(rects: [number, number, number, number][]): MaskImage {
  const data = new Uint8Array(W * H);
  for (const [x0, y0, w, h] of rects) {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * W + x] = 1;
  }
  return { width: W, height: H, data };
}

/** A 20x40 ring ("0") with 4-px strokes whose left edge is at x. */
const ring = (x: number): [number, number, number, number][] => [
  [x, 5, 20, 4],
  [x, 41, 20, 4],
  [x, 5, 4, 40],
  [x + 16, 5, 4, 40],
];

function onlySegment(m: MaskImage): { labels: Int32Array; seg: Segment } {
  const lab = labelComponents(m);
  const { segments } = segmentDigits(lab, { speckFraction: 0.04, minSpeckArea: 0 });
  expect(segments).toHaveLength(1);
  return { labels: lab.labels, seg: segments[0] };
}

// Two rings joined by a 2-px-wide, 4-px-tall bridge at columns 25-26: "00" written touching.
const touching = mask([...ring(5), [25, 23, 2, 4], ...ring(27)]);

describe('cut proposals', () => {
  it('two rings joined by a thin bridge: one segment, with a cut at the bridge', () => {
    const { labels, seg } = onlySegment(touching);
    expect(seg.box).toEqual({ x: 5, y: 5, width: 42, height: 40 });
    const profile = columnProfile(labels, W, seg);
    expect(profile[0]).toBe(40); // a ring's side
    expect(profile[20]).toBe(4); // the bridge
    const cuts = proposeCuts(labels, W, seg);
    expect(cuts.some((c) => c >= 25 && c <= 27)).toBe(true);
    // Sorted, strictly inside the box, no sliver thinner than a stroke at either side.
    expect([...cuts].sort((a, b) => a - b)).toEqual(cuts);
    expect(cuts[0]).toBeGreaterThanOrEqual(5 + 4);
    expect(cuts[cuts.length - 1]).toBeLessThanOrEqual(47 - 4);
  });

  it('a line or a dash (not several strokes tall) is never cut', () => {
    const { labels, seg } = onlySegment(mask([[2, 20, 56, 5]]));
    expect(proposeCuts(labels, W, seg)).toEqual([]);
  });

  it('the two pieces of a cut share the ink exactly and keep to their columns', () => {
    const { labels, seg } = onlySegment(touching);
    const left = pieceOf(labels, W, seg, 5, 26)!;
    const right = pieceOf(labels, W, seg, 26, 47)!;
    expect(left.area + right.area).toBe(seg.area);
    expect(left.box).toEqual({ x: 5, y: 5, width: 21, height: 40 });
    expect(right.box).toEqual({ x: 26, y: 5, width: 21, height: 40 });
    expect(left.columns).toEqual({ from: 5, to: 26 });
    // The cut adds no perimeter: only the ring's own edges count.
    expect(left.perimeter).toBeLessThan(seg.perimeter);
    // A sliver (narrower than a stroke: a ring's side, the bridge alone) is no digit.
    expect(pieceOf(labels, W, seg, 5, 8)).toBeNull();
    expect(pieceOf(labels, W, seg, 25, 27)).toBeNull();
  });

  it('the crop of a piece holds none of the other digit, not even its soft edge', () => {
    const { labels, seg } = onlySegment(touching);
    const ink = { width: W, height: H, data: Float32Array.from(touching.data) };
    const src = { ink, labels, noiseFloor: 0, threshold: 0.5 };
    const whole = cropSegment(src, seg);
    expect(whole.box.width).toBe(42);
    const left = cropSegment(src, pieceOf(labels, W, seg, 5, 26)!);
    expect(left.box.x + left.box.width).toBeLessThanOrEqual(26);
    expect(left.patch.data.reduce((s, v) => s + v, 0)).toBeCloseTo(pieceOf(labels, W, seg, 5, 26)!.area, 0);
    const right = cropSegment(src, pieceOf(labels, W, seg, 26, 47)!);
    expect(right.box.x).toBeGreaterThanOrEqual(26);
  });
});

describe('best cutting', () => {
  it('keeps the pieces with the best total score', () => {
    // Bounds 0..3; pieces (0,1) and (1,3) are good digits, the whole is a poor one.
    const table: Record<string, number> = { '0,1': -0.1, '1,3': -0.2, '0,3': -1, '0,2': -0.05, '2,3': -5, '1,2': -3 };
    expect(bestPartition(3, (i, j) => table[`${i},${j}`] ?? -Infinity)).toEqual([0, 1, 3]);
  });

  it('keeps the segment whole when no cutting beats it', () => {
    const table: Record<string, number> = { '0,1': -0.3, '1,3': -0.3, '0,3': -0.5 };
    expect(bestPartition(3, (i, j) => table[`${i},${j}`] ?? -Infinity)).toEqual([0, 3]);
    expect(bestPartition(3, () => -Infinity)).toEqual([0, 3]);
  });

  it('cuts into more than two pieces, up to a limit', () => {
    const score = (i: number, j: number): number => (j === i + 1 ? -0.1 : j - i === 2 ? -0.5 : -10);
    expect(bestPartition(4, score)).toEqual([0, 1, 2, 3, 4]);
    expect(bestPartition(4, score, 2)).toEqual([0, 2, 4]);
    expect(bestPartition(4, score, 1)).toEqual([0, 4]);
  });
});
