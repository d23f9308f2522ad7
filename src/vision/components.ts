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
  // Union-find over provisional labels; at most one new label per ink pixel, and far fewer in practice.
  let parent = new Int32Array(1024);
  let next = 1;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  /** joins the sets of a and b (b may be 0: nothing); the smaller root wins */
  const union = (a: number, b: number): number => {
    if (b === 0 || a === b) return a || b;
    if (a === 0) return b;
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };
  // Four mask bytes at a time where the mask is 4-aligned: runs of paper are skipped a word at a time.
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  // First pass: provisional labels from the already-visited neighbours (W, NW, N, NE).
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const i = o + x;
      if (words && (i & 3) === 0 && x + 4 <= w && words[i >> 2] === 0) {
        x += 3;
        continue;
      }
      if (!data[i]) continue;
      let l = x > 0 ? labels[i - 1] : 0;
      if (y > 0) {
        if (x > 0) l = union(l, labels[i - w - 1]);
        l = union(l, labels[i - w]);
        if (x < w - 1) l = union(l, labels[i - w + 1]);
      }
      if (!l) {
        if (next === parent.length) {
          const grown = new Int32Array(parent.length * 2);
          grown.set(parent);
          parent = grown;
        }
        l = next++;
        parent[l] = l;
      }
      labels[i] = l;
    }
  }
  // Second pass: final compact ids and statistics.
  const compact = new Int32Array(next);
  const comps: Component[] = [];
  for (let i = 0; i < w * h; i++) {
    if (words && (i & 3) === 0 && i + 4 <= w * h && words[i >> 2] === 0) {
      i += 3;
      continue;
    }
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
