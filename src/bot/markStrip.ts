/**
 * The picture under an answer: the 28×28 crops the model classified, exactly as it saw them
 * (white ink on black), upscaled, left to right, numbered; a green frame for a mark read as a
 * digit, a grey one for a mark dropped as "not a digit". What a label will teach is what this
 * shows. The raster is pure; sharp only encodes the PNG.
 */
import sharp from 'sharp';
import { formatAnswer, type AnswerInput, type MessagePayload } from './format.ts';
import type { ShownMark } from './marks.ts';

export const STRIP_NAME = 'marks.png';

const SIDE = 28;
const SCALE = 2;
const CROP = SIDE * SCALE;
const FRAME = 2;
const GAP = 6;
const BAND = 14; // the number above each crop
const PER_ROW = 12;
const CELL_W = CROP + 2 * FRAME + GAP;
const CELL_H = BAND + CROP + 2 * FRAME + GAP;

const BACKGROUND = [47, 49, 54] as const; // Discord's dark grey
const READ = [46, 204, 113] as const;
const DROPPED = [120, 124, 130] as const;

/** 3×5 digits for the mark numbers. */
const GLYPHS = ['111101101101111', '010110010010111', '111001111100111', '111001111001111', '101101111001001', '111100111001111', '111100111101111', '111001001001001', '111101111101111', '111101111001111'];

export interface Raster {
  width: number;
  height: number;
  /** RGB, row-major */
  data: Uint8Array;
}

export function markStripRaster(marks: readonly ShownMark[]): Raster {
  const cols = Math.max(1, Math.min(PER_ROW, marks.length));
  const rows = Math.max(1, Math.ceil(marks.length / PER_ROW));
  const width = cols * CELL_W + GAP;
  const height = rows * CELL_H + GAP;
  const data = new Uint8Array(width * height * 3);
  const put = (x: number, y: number, c: readonly number[]) => {
    const i = (y * width + x) * 3;
    data[i] = c[0]!;
    data[i + 1] = c[1]!;
    data[i + 2] = c[2]!;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, BACKGROUND);
  marks.forEach((m, k) => {
    const x0 = GAP + (k % PER_ROW) * CELL_W;
    const y0 = GAP + Math.floor(k / PER_ROW) * CELL_H;
    const colour = m.read ? READ : DROPPED;
    // the number, 2× glyphs
    const digits = String(k + 1);
    digits.split('').forEach((ch, j) => {
      const g = GLYPHS[Number(ch)]!;
      for (let gy = 0; gy < 5; gy++)
        for (let gx = 0; gx < 3; gx++) {
          if (g[gy * 3 + gx] !== '1') continue;
          for (let s = 0; s < 4; s++) put(x0 + j * 8 + gx * 2 + (s & 1), y0 + gy * 2 + (s >> 1), colour);
        }
    });
    const fy = y0 + BAND;
    for (let y = 0; y < CROP + 2 * FRAME; y++)
      for (let x = 0; x < CROP + 2 * FRAME; x++) {
        const inside = x >= FRAME && y >= FRAME && x < CROP + FRAME && y < CROP + FRAME;
        if (!inside) {
          put(x0 + x, fy + y, colour);
          continue;
        }
        const v = m.image[Math.floor((y - FRAME) / SCALE) * SIDE + Math.floor((x - FRAME) / SCALE)] ?? 0;
        const g = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
        put(x0 + x, fy + y, [g, g, g]);
      }
  });
  return { width, height, data };
}

export async function markStripPng(marks: readonly ShownMark[]): Promise<Buffer> {
  const r = markStripRaster(marks);
  return sharp(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength), { raw: { width: r.width, height: r.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** The answer to a picture with the strip of its marks attached (none when no mark was kept). */
export async function answerWithMarks(input: Omit<AnswerInput, 'stripName'>, marks: readonly ShownMark[]): Promise<MessagePayload> {
  if (marks.length === 0) return formatAnswer(input);
  const payload = formatAnswer({ ...input, stripName: STRIP_NAME });
  return { ...payload, files: [{ attachment: await markStripPng(marks), name: STRIP_NAME }] };
}
