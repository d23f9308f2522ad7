/**
 * Ink as geometry: centre-line strokes (drawn with a round pen) and filled outlines, in pixels of
 * some frame, each tagged with the digit (mark) it belongs to. Kept as geometry until rendering so
 * that every digit's box in the final picture is computed exactly, through the same transforms.
 */

/** A polyline or ring as flat [x0, y0, x1, y1, ...]. */
export type Poly = number[];

export interface StrokeItem {
  type: 'stroke';
  pts: Poly;
  /** pen width in the same units as the points */
  width: number;
  /** index of the digit it belongs to, -1 for none */
  mark: number;
}

export interface FillItem {
  type: 'fill';
  rings: Poly[];
  /** an extra outline stroke (thickening), 0 for none */
  outline: number;
  mark: number;
}

export type InkItem = StrokeItem | FillItem;

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type PointMap = (x: number, y: number) => [number, number];

/** Maps every point of `items` through `f`; widths are multiplied by `widthScale`. */
export function mapInk(items: InkItem[], f: PointMap, widthScale: number): InkItem[] {
  const mapPoly = (p: Poly): Poly => {
    const out = new Array<number>(p.length);
    for (let i = 0; i < p.length; i += 2) {
      const [x, y] = f(p[i], p[i + 1]);
      out[i] = x;
      out[i + 1] = y;
    }
    return out;
  };
  return items.map((it) =>
    it.type === 'stroke'
      ? { ...it, pts: mapPoly(it.pts), width: it.width * widthScale }
      : { ...it, rings: it.rings.map(mapPoly), outline: it.outline * widthScale },
  );
}

/** An affine map x' = a x + b y + c, y' = d x + e y + f. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export function affineMap(m: Affine): PointMap {
  return (x, y) => [m.a * x + m.b * y + m.c, m.d * x + m.e * y + m.f];
}

/** Bounding box of the ink (pen radius included) of the items with mark `mark` (all when undefined). */
export function inkBox(items: InkItem[], mark?: number, f?: PointMap, halfWidthScale = 1): Box | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const it of items) {
    if (mark !== undefined && it.mark !== mark) continue;
    const r = (it.type === 'stroke' ? it.width : it.outline) / 2;
    const polys = it.type === 'stroke' ? [it.pts] : it.rings;
    for (const p of polys) {
      for (let i = 0; i < p.length; i += 2) {
        const px = p[i];
        const py = p[i + 1];
        if (f === undefined) {
          if (px - r < x0) x0 = px - r;
          if (px + r > x1) x1 = px + r;
          if (py - r < y0) y0 = py - r;
          if (py + r > y1) y1 = py + r;
        } else {
          // the pen's disc, mapped: its four extreme points (exact for similarity maps, close otherwise)
          const rr = r * halfWidthScale;
          const offs = rr > 0 ? [[rr, 0], [-rr, 0], [0, rr], [0, -rr], [0, 0]] : [[0, 0]];
          for (const [ox, oy] of offs) {
            const [qx, qy] = f(px + ox, py + oy);
            if (qx < x0) x0 = qx;
            if (qx > x1) x1 = qx;
            if (qy < y0) y0 = qy;
            if (qy > y1) y1 = qy;
          }
        }
      }
    }
  }
  return x0 === Infinity ? null : { x0, y0, x1, y1 };
}

/** Catmull-Rom spline through the control points (flat), `steps` samples per segment. */
export function spline(ctrl: Poly, steps = 8): Poly {
  const n = ctrl.length / 2;
  if (n < 3) return ctrl.slice();
  const out: Poly = [];
  const P = (i: number): [number, number] => {
    const j = Math.max(0, Math.min(n - 1, i));
    return [ctrl[2 * j], ctrl[2 * j + 1]];
  };
  for (let i = 0; i < n - 1; i++) {
    const [x0, y0] = P(i - 1);
    const [x1, y1] = P(i);
    const [x2, y2] = P(i + 1);
    const [x3, y3] = P(i + 2);
    for (let s = 0; s < steps; s++) {
      const t = s / steps;
      const t2 = t * t;
      const t3 = t2 * t;
      const cr = (a: number, b: number, c: number, d: number): number =>
        0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3);
      out.push(cr(x0, x1, x2, x3), cr(y0, y1, y2, y3));
    }
  }
  out.push(ctrl[2 * (n - 1)], ctrl[2 * (n - 1) + 1]);
  return out;
}

/** SVG path data of the items (strokes as polylines, fills as closed rings). */
export function polyPath(p: Poly, close: boolean, digits = 1): string {
  if (p.length < 2) return '';
  const k = 10 ** digits;
  const r = (v: number): number => Math.round(v * k) / k;
  let d = `M${r(p[0])} ${r(p[1])}`;
  if (p.length === 2) d += `L${r(p[0] + 0.01)} ${r(p[1])}`;
  for (let i = 2; i < p.length; i += 2) d += `L${r(p[i])} ${r(p[i + 1])}`;
  return close ? d + 'Z' : d;
}

/** The ink items as SVG elements in one colour (`opacity` per item via `alphaOf`). */
export function inkSvg(items: InkItem[], colour: string, alphaOf: (i: number) => number = () => 1): string {
  const parts: string[] = [];
  items.forEach((it, i) => {
    const a = alphaOf(i);
    const op = a < 1 ? ` opacity="${a.toFixed(3)}"` : '';
    if (it.type === 'stroke') {
      parts.push(`<path d="${polyPath(it.pts, false)}" fill="none" stroke="${colour}" stroke-width="${it.width.toFixed(2)}" stroke-linecap="round" stroke-linejoin="round"${op}/>`);
    } else {
      const d = it.rings.map((r) => polyPath(r, true)).join('');
      const stroke = it.outline > 0 ? ` stroke="${colour}" stroke-width="${it.outline.toFixed(2)}" stroke-linejoin="round"` : '';
      parts.push(`<path d="${d}" fill="${colour}" fill-rule="nonzero"${stroke}${op}/>`);
    }
  });
  return parts.join('');
}

/** 3x3 homography, row-major, h[8] = 1. */
export type Homography = number[];

/** The homography taking the four `from` points to the four `to` points (flat [x0,y0,...x3,y3]). */
export function homographyFrom(from: number[], to: number[]): Homography {
  const A: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y, u, v] = [from[2 * i], from[2 * i + 1], to[2 * i], to[2 * i + 1]];
    A.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    A.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gaussian elimination with partial pivoting on the 8x9 augmented matrix.
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const k = A[r][c] / A[c][c];
      for (let j = c; j < 9; j++) A[r][j] -= k * A[c][j];
    }
  }
  const h = A.map((row, i) => row[8] / row[i]);
  return [...h, 1];
}

export function invertHomography(m: Homography): Homography {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const inv = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d];
  return inv.map((v) => v / det);
}

export function applyHomography(m: Homography): PointMap {
  return (x, y) => {
    const w = m[6] * x + m[7] * y + m[8];
    return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
  };
}

/** 3x3 product a·b. */
export function mulHomography(a: Homography, b: Homography): Homography {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[3 * r + c] = a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c];
  return out;
}
