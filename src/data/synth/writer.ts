/**
 * Writers: where a digit's shape comes from (re-drawn MNIST, a typeface, a pen trajectory) and the
 * hand's habits (slant, width, pen), and the layout of one writer's number: digits left to right
 * with gaps and per-digit jitter. Output is ink geometry in pixels with one mark per digit.
 */
import { affineMap, inkBox, mapInk, type InkItem, type Poly } from './geometry.ts';
import { FONT_PARTITION, glyphOutline } from './fonts.ts';
import { mnistDigitStrokes } from './mnistStrokes.ts';
import { pick, type Rng } from './random.ts';
import { trajectoryStrokes, trajectoryStyle, type TrajectoryStyle } from './trajectories.ts';
import type { SynthHazard, SynthSplit } from './types.ts';

export type DigitSource = 'mnist' | 'font' | 'trajectory';

export interface Writer {
  source: DigitSource;
  split: SynthSplit;
  font: string;
  /** typeface thickening stroke, fraction of the digit height */
  fontOutline: number;
  traj: TrajectoryStyle;
  /** x shift per unit of height, top to the right when positive */
  slant: number;
  widthScale: number;
  /** pen width as a fraction of the digit height (strokes) */
  pen: number;
  /** per-digit jitter amount (0..1) */
  looseness: number;
}

export function makeWriter(rng: Rng, split: SynthSplit, source: DigitSource, pen: number): Writer {
  return {
    source,
    split,
    font: pick(rng, FONT_PARTITION[split]),
    fontOutline: rng.next() < 0.35 ? rng.uniform(0.01, 0.07) : 0,
    traj: trajectoryStyle(rng),
    slant: rng.next() < 0.35 ? rng.uniform(-0.12, 0.12) : rng.uniform(-0.3, 0.4),
    widthScale: rng.uniform(0.78, 1.25),
    pen,
    looseness: rng.uniform(0.3, 1),
  };
}

/** The hazards a writer stands for. */
export function writerHazards(w: Writer): SynthHazard[] {
  const h: SynthHazard[] = [w.source];
  if (Math.abs(w.slant) >= 0.16) h.push('slant');
  if (w.source !== 'font') {
    if (w.pen < 0.07) h.push('thin-pen');
    if (w.pen > 0.14) h.push('thick-pen');
  }
  return h;
}

interface UnitGlyph {
  lines: Poly[];
  rings: Poly[];
}

const fontHeights = new Map<string, number>();

/** A typeface's figure height (its '8'), in em. */
function figureHeight(font: string): number {
  let h = fontHeights.get(font);
  if (h === undefined) {
    const box = inkBox([{ type: 'fill', rings: glyphOutline(font, '8').rings, outline: 0, mark: 0 }]);
    h = box === null ? 0.7 : box.y1 - box.y0;
    fontHeights.set(font, h);
  }
  return h;
}

async function unitGlyph(rng: Rng, w: Writer, d: number): Promise<UnitGlyph> {
  switch (w.source) {
    case 'mnist':
      return { lines: (await mnistDigitStrokes(w.split, d, rng.next())).lines, rings: [] };
    case 'trajectory':
      return { lines: trajectoryStrokes(rng, w.traj, d), rings: [] };
    case 'font': {
      const H = figureHeight(w.font);
      const o = glyphOutline(w.font, String(d));
      return { lines: [], rings: o.rings.map((r) => r.map((v, i) => (i % 2 === 0 ? v / H : 1 + v / H))) };
    }
  }
}

export interface Laid {
  /** ink in pixels, ink box starting at (0, 0) */
  items: InkItem[];
  width: number;
  height: number;
}

/**
 * One writer's digits, `heightPx` tall, laid left to right. Each digit's items carry its position
 * in the string as their mark.
 */
export async function layoutDigits(rng: Rng, w: Writer, digits: number[], heightPx: number): Promise<Laid> {
  const gapBase = rng.uniform(0.1, 0.8);
  const items: InkItem[] = [];
  let cursor = 0;
  for (let k = 0; k < digits.length; k++) {
    const g = await unitGlyph(rng, w, digits[k]);
    const j = w.looseness * (digits.length > 1 ? 1 : 0.5);
    const rot = rng.normal() * 0.035 * j;
    const scale = heightPx * (1 + rng.normal() * 0.06 * j);
    const dy = rng.normal() * 0.05 * j * heightPx;
    const cos = Math.cos(rot);
    const sin = Math.sin(rot);
    // unit frame -> pixels: width scale, slant, small rotation about the glyph centre, size
    const unitToPx = (x: number, y: number): [number, number] => {
      const xs = x * w.widthScale + w.slant * (1 - y);
      const ys = y - 0.5;
      return [(cos * xs - sin * ys) * scale, (sin * xs + cos * ys + 0.5) * scale + dy];
    };
    const penPx = w.pen * heightPx;
    const raw: InkItem[] = [
      ...g.lines.map((pts): InkItem => ({ type: 'stroke', pts, width: penPx, mark: k })),
      ...(g.rings.length > 0 ? [{ type: 'fill', rings: g.rings, outline: w.fontOutline * heightPx, mark: k } as InkItem] : []),
    ];
    const px = mapInk(raw, unitToPx, 1);
    const box = inkBox(px)!;
    const shift = cursor - box.x0;
    items.push(...mapInk(px, affineMap({ a: 1, b: 0, c: shift, d: 0, e: 1, f: 0 }), 1));
    const gap = Math.max(0.06, gapBase + rng.normal() * 0.08 * j) * heightPx;
    cursor += box.x1 - box.x0 + gap;
  }
  const all = inkBox(items)!;
  return {
    items: mapInk(items, affineMap({ a: 1, b: 0, c: -all.x0, d: 0, e: 1, f: -all.y0 }), 1),
    width: all.x1 - all.x0,
    height: all.y1 - all.y0,
  };
}

/** Handwritten text (letters, words) in a typeface, `heightPx` per capital, no marks. */
export function layoutText(font: string, text: string, heightPx: number, slant: number, outline: number): Laid {
  const H = figureHeight(font);
  const items: InkItem[] = [];
  let cursor = 0;
  for (const ch of text) {
    const o = glyphOutline(font, ch);
    if (o.rings.length > 0) {
      const rings = o.rings.map((r) => {
        const out: Poly = [];
        for (let i = 0; i < r.length; i += 2) {
          const y = 1 + r[i + 1] / H;
          out.push((cursor + r[i] / H + slant * (1 - y)) * heightPx, y * heightPx);
        }
        return out;
      });
      items.push({ type: 'fill', rings, outline: outline * heightPx, mark: -1 });
    }
    cursor += o.advance / H;
  }
  const all = inkBox(items);
  if (all === null) return { items: [], width: 1, height: 1 };
  return {
    items: mapInk(items, affineMap({ a: 1, b: 0, c: -all.x0, d: 0, e: 1, f: -all.y0 }), 1),
    width: all.x1 - all.x0,
    height: all.y1 - all.y0,
  };
}
