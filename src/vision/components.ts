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

/**
 * Labels by runs: each row's runs of ink, joined to the runs of the row above that touch them
 * (8-connectivity: overlapping or diagonal), then numbered in the order of their first pixel
 * (raster order) — the labels and statistics a pixel-by-pixel union-find gives, with the work
 * per run rather than per pixel (a thick stroke is a few runs a row).
 */
export function labelComponents(mask: MaskImage): Labelling {
  const { width: w, height: h, data } = mask;
  const labels = new Int32Array(w * h);
  // Union-find over provisional labels, one per run that touches none above.
  let parent = new Int32Array(1024);
  let next = 1;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  // the runs, in raster order: row, first and last x, provisional label
  let runs = new Int32Array(4 * 1024);
  let count = 0;
  // Four mask bytes at a time where the mask is 4-aligned: runs of paper are skipped a word at a time.
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  let above = 0; // first run of the row above
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const first = count;
    let j = above; // runs of the row above not yet left behind
    for (let x = 0; x < w; x++) {
      if (words && ((o + x) & 3) === 0) {
        while (x + 4 <= w && words[(o + x) >> 2] === 0) x += 4;
        if (x >= w) break;
      }
      if (!data[o + x]) continue;
      const x0 = x;
      while (x + 1 < w && data[o + x + 1]) x++;
      // join the runs above that reach x0 - 1 .. x + 1
      let l = 0;
      while (j < first && runs[4 * j + 2] < x0 - 1) j++;
      for (let k = j; k < first && runs[4 * k + 1] <= x + 1; k++) {
        const r = find(runs[4 * k + 3]);
        if (l === 0) l = r;
        else if (r !== l) {
          if (r < l) {
            parent[l] = r;
            l = r;
          } else parent[r] = l;
        }
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
      if (4 * count === runs.length) {
        const grown = new Int32Array(runs.length * 2);
        grown.set(runs);
        runs = grown;
      }
      runs[4 * count] = y;
      runs[4 * count + 1] = x0;
      runs[4 * count + 2] = x;
      runs[4 * count++ + 3] = l;
    }
    above = first;
  }
  // Final compact ids (in the order of each component's first pixel) and statistics.
  const compact = new Int32Array(next);
  const comps: Component[] = [];
  for (let r = 0; r < count; r++) {
    const y = runs[4 * r];
    const x0 = runs[4 * r + 1];
    const x1 = runs[4 * r + 2];
    const root = find(runs[4 * r + 3]);
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
    const c = comps[id - 1];
    const o = y * w;
    labels.fill(id, o + x0, o + x1 + 1);
    c.area += x1 - x0 + 1;
    if (x0 < c.minX) c.minX = x0;
    if (x1 > c.maxX) c.maxX = x1;
    if (y < c.minY) c.minY = y;
    if (y > c.maxY) c.maxY = y;
    for (let x = x0; x <= x1; x++) {
      const i = o + x;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !data[i - 1] || !data[i + 1] || !data[i - w] || !data[i + w]) c.perimeter++;
    }
    if (x0 === 0) c.touches.left = true;
    if (x1 === w - 1) c.touches.right = true;
    if (y === 0) c.touches.top = true;
    if (y === h - 1) c.touches.bottom = true;
  }
  return { width: w, height: h, labels, components: comps };
}

/** Stroke width ≈ 2·area / perimeter (exact for a long bar; fine as an estimate for strokes). */
export function strokeWidth(area: number, perimeter: number): number {
  return perimeter > 0 ? (2 * area) / perimeter : 1;
}
