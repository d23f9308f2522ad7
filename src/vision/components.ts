/** Connected components (8-connectivity) of a binary mask, with the statistics segmentation needs. */
import type { MaskImage } from './raster.ts';

export interface Component {
  /** Label in `labels` (1-based). */
  id: number;
  area: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  /** Ink pixels with a 4-neighbour outside the ink: with `area`, gives the stroke width. */
  perimeter: number;
  /** Which picture edges the component touches. */
  touches: { left: boolean; right: boolean; top: boolean; bottom: boolean };
}

export interface Labelling {
  width: number;
  height: number;
  /** 0 = background, otherwise the component id. */
  labels: Int32Array;
  components: Component[];
}

export function labelComponents(mask: MaskImage): Labelling {
  const { width: w, height: h, data } = mask;
  const labels = new Int32Array(w * h);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    const lo = Math.min(ra, rb);
    parent[Math.max(ra, rb)] = lo;
    return lo;
  };
  // First pass: provisional labels from the already-visited neighbours (W, NW, N, NE).
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!data[i]) continue;
      let l = 0;
      const look = (j: number): void => {
        const m = labels[j];
        if (m) l = l ? union(l, m) : m;
      };
      if (x > 0) look(i - 1);
      if (y > 0) {
        if (x > 0) look(i - w - 1);
        look(i - w);
        if (x < w - 1) look(i - w + 1);
      }
      if (!l) {
        l = parent.length;
        parent.push(l);
      }
      labels[i] = l;
    }
  }
  // Second pass: final compact ids and statistics.
  const compact = new Int32Array(parent.length);
  const comps: Component[] = [];
  for (let i = 0; i < w * h; i++) {
    if (!labels[i]) continue;
    const root = find(labels[i]);
    let id = compact[root];
    if (!id) {
      id = comps.length + 1;
      compact[root] = id;
      comps.push({
        id,
        area: 0,
        minX: w,
        maxX: -1,
        minY: h,
        maxY: -1,
        perimeter: 0,
        touches: { left: false, right: false, top: false, bottom: false },
      });
    }
    labels[i] = id;
    const c = comps[id - 1];
    const x = i % w;
    const y = (i - x) / w;
    c.area++;
    if (x < c.minX) c.minX = x;
    if (x > c.maxX) c.maxX = x;
    if (y < c.minY) c.minY = y;
    if (y > c.maxY) c.maxY = y;
    const edge =
      x === 0 || y === 0 || x === w - 1 || y === h - 1 || !data[i - 1] || !data[i + 1] || !data[i - w] || !data[i + w];
    if (edge) c.perimeter++;
    if (x === 0) c.touches.left = true;
    if (x === w - 1) c.touches.right = true;
    if (y === 0) c.touches.top = true;
    if (y === h - 1) c.touches.bottom = true;
  }
  return { width: w, height: h, labels, components: comps };
}

/** Stroke width ≈ 2·area / perimeter (exact for a long bar; fine as an estimate for strokes). */
export function strokeWidth(area: number, perimeter: number): number {
  return perimeter > 0 ? (2 * area) / perimeter : 1;
}
