/**
 * Drawing-app exports: a canvas of any size (28 px to 2000 px, very wide or tall too) with a solid,
 * Discord-grey, dark or transparent background and a constant-width round brush of any colour;
 * stored as PNG/WebP, or as the SVG itself.
 */
import sharp from 'sharp';
import { inkBox, inkSvg, mapInk, type Box } from './geometry.ts';
import { chance, hex, logUniform, pick, weighted, type Rng } from './random.ts';
import { encodeDrawing } from './encode.ts';
import type { Laid } from './writer.ts';
import type { SynthHazard } from './types.ts';

export interface Canvas {
  width: number;
  height: number;
  /** null: transparent */
  background: [number, number, number] | null;
  /** RGB stored under transparent pixels */
  clearRgb: [number, number, number];
  ink: [number, number, number];
  /** brush width as a fraction of the digit height */
  brush: number;
  svg: boolean;
  /** digit height range as a fraction of the short side */
  fill: [number, number];
  hazards: SynthHazard[];
}

const DISCORD: [number, number, number][] = [[0x31, 0x33, 0x38], [0x2b, 0x2d, 0x31], [0x1e, 0x1f, 0x22]];

function lum(c: [number, number, number]): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

function randomColour(rng: Rng, minLum: number, maxLum: number): [number, number, number] {
  for (let i = 0; i < 50; i++) {
    const h = rng.uniform(0, 6);
    const sat = rng.uniform(0.5, 1);
    const val = rng.uniform(0.35, 1);
    const f = h - Math.floor(h);
    const p = val * (1 - sat);
    const q = val * (1 - sat * f);
    const t = val * (1 - sat * (1 - f));
    const rgb = ([[val, t, p], [q, val, p], [p, val, t], [p, q, val], [t, p, val], [val, p, q]][Math.floor(h) % 6]).map((v) => v * 255) as [number, number, number];
    if (lum(rgb) >= minLum && lum(rgb) <= maxLum) return rgb;
  }
  return minLum > 128 ? [255, 220, 80] : [200, 30, 30];
}

export function chooseCanvas(rng: Rng, maxSide = Infinity): Canvas {
  const hazards: SynthHazard[] = [];
  const shape = weighted(rng, { tiny: 10, normal: 68, wide: 11, tall: 11 });
  let width: number;
  let height: number;
  let fill: [number, number];
  if (shape === 'tiny') {
    width = Math.round(rng.uniform(28, 64));
    height = chance(rng, 0.6) ? width : Math.round(rng.uniform(28, 64));
    fill = [0.55, 0.8];
  } else if (shape === 'normal') {
    width = Math.round(logUniform(rng, 100, 2000));
    height = Math.round(Math.min(2000, Math.max(64, width * logUniform(rng, 0.55, 1.8))));
    fill = [0.2, 0.8];
  } else {
    const long = Math.round(logUniform(rng, 300, 2000));
    const short = Math.max(40, Math.round(long / rng.uniform(2.5, 7)));
    [width, height] = shape === 'wide' ? [long, short] : [short, long];
    fill = [0.3, 0.8];
    hazards.push(shape === 'wide' ? 'wide-canvas' : 'tall-canvas');
  }
  if (Math.max(width, height) > maxSide) {
    const k = maxSide / Math.max(width, height);
    width = Math.max(28, Math.round(width * k));
    height = Math.max(28, Math.round(height * k));
  }
  if (Math.min(width, height) <= 64) hazards.push('tiny');

  const bgKind = weighted(rng, { white: 32, light: 9, dark: 9, discord: 17, transparent: 28, black: 5 });
  let background: [number, number, number] | null;
  let ink: [number, number, number];
  let clearRgb: [number, number, number] = [0, 0, 0];
  const anyInk = chance(rng, 0.5);
  switch (bgKind) {
    case 'white':
    case 'light':
      background = bgKind === 'white' ? [255, 255, 255] : randomColour(rng, 200, 250).map((v) => v * 0.3 + 255 * 0.7) as [number, number, number];
      ink = anyInk ? randomColour(rng, 0, 120) : [0, 0, 0];
      break;
    case 'dark':
    case 'black':
    case 'discord':
      background = bgKind === 'discord' ? pick(rng, DISCORD) : bgKind === 'black' ? [0, 0, 0] : randomColour(rng, 10, 50).map((v) => v * 0.5) as [number, number, number];
      ink = anyInk ? randomColour(rng, 120, 255) : [255, 255, 255];
      hazards.push('dark-background');
      if (bgKind === 'discord') hazards.push('discord-grey');
      break;
    case 'transparent': {
      background = null;
      const black = chance(rng, 0.35);
      ink = black ? [0, 0, 0] : anyInk ? randomColour(rng, 0, 255) : [255, 255, 255];
      clearRgb = chance(rng, 0.7) ? [0, 0, 0] : [255, 255, 255];
      hazards.push('transparent');
      break;
    }
  }
  const spread = Math.max(...ink) - Math.min(...ink);
  if (spread > 60) hazards.push('colour-ink');
  const svg = chance(rng, 0.08);
  if (svg) hazards.push('svg');
  return { width, height, background, clearRgb, ink, brush: rng.uniform(0.05, 0.16), svg, fill, hazards };
}

export interface DrawingResult {
  bytes: Buffer;
  format: 'png' | 'jpeg' | 'webp' | 'svg';
  width: number;
  height: number;
  marks: Box[];
  hazards: SynthHazard[];
}

/** Draws `content` (ink geometry) on the canvas at a random place and size. */
export async function renderDrawing(rng: Rng, cv: Canvas, content: Laid, maxMarks: number): Promise<DrawingResult> {
  let W = cv.width;
  const H = cv.height;
  const short = Math.min(W, H);
  let hPx = rng.uniform(cv.fill[0], cv.fill[1]) * short;
  hPx = Math.min(hPx, (0.92 * W * content.height) / content.width, 0.92 * H);
  // a number too long for the canvas: people draw on a wider one (digits at least ~14 px tall)
  const minH = Math.min(14, 0.8 * H);
  if (hPx < minH) {
    hPx = minH;
    W = Math.ceil((hPx * content.width) / content.height / 0.92) + 2;
  }
  const hazards = cv.hazards.filter((h) => h !== 'tiny' || Math.min(W, H) <= 64);
  const k = hPx / content.height;
  const wPx = content.width * k;
  const x0 = rng.uniform(Math.min((W - wPx) / 2, 1), Math.max((W - wPx) / 2, W - wPx - 1));
  const y0 = rng.uniform(Math.min((H - hPx) / 2, 1), Math.max((H - hPx) / 2, H - hPx - 1));
  const items = mapInk(content.items, (x, y) => [x0 + x * k, y0 + y * k], k);
  const marks: Box[] = [];
  for (let m = 0; m < maxMarks; m++) {
    const b = inkBox(items, m);
    if (b !== null) marks.push(b);
  }
  const bg = cv.background === null ? '' : `<rect width="100%" height="100%" fill="${hex(...cv.background)}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${bg}${inkSvg(items, hex(...cv.ink))}</svg>`;
  if (cv.svg) return { bytes: Buffer.from(svg), format: 'svg', width: W, height: H, marks, hazards };
  const rendered = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
  let data: Buffer;
  let channels: 3 | 4;
  if (cv.background === null) {
    data = rendered;
    channels = 4;
    const [cr, cg, cb] = cv.clearRgb;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) {
        data[i] = cr;
        data[i + 1] = cg;
        data[i + 2] = cb;
      }
    }
  } else {
    channels = 3;
    data = Buffer.alloc(W * H * 3);
    for (let i = 0, j = 0; i < rendered.length; i += 4, j += 3) {
      data[j] = rendered[i];
      data[j + 1] = rendered[i + 1];
      data[j + 2] = rendered[i + 2];
    }
  }
  const enc = await encodeDrawing(rng, { data, width: W, height: H, channels });
  return { bytes: enc.bytes, format: enc.format, width: W, height: H, marks, hazards: [...hazards, ...enc.hazards] };
}
