/**
 * The synthetic chat-picture generator (public entry; contract in notes/SYNTH_API.md): labelled
 * pictures like the ones people post — phone photos of handwriting, EXIF-rotated photos, numbers,
 * drawing-app exports and pictures without digits — deterministic per (seed, index).
 */
import { encodePhoto } from './encode.ts';
import { FONT_PARTITION } from './fonts.ts';
import type { Box } from './geometry.ts';
import { chooseCanvas, renderDrawing } from './drawing.ts';
import { chooseInkSubject, nonDigitInk, nonDigitRaster, type RasterSubject } from './nonDigit.ts';
import { choosePen, renderPhoto, type Pen, type PenKind } from './photo.ts';
import { chance, pick, pictureSeed, weighted, Rng } from './random.ts';
import { SYNTH_HAZARDS, type SynthHazard, type SynthKind, type SynthMark, type SynthPicture, type SynthSplit } from './types.ts';
import { layoutDigits, makeWriter, writerHazards, type DigitSource, type Laid } from './writer.ts';

export type { SynthHazard, SynthKind, SynthMark, SynthPicture, SynthSplit } from './types.ts';
export { PEN_KINDS, type PenKind } from './photo.ts';
export { SYNTH_HAZARDS } from './types.ts';
export { FONT_PARTITION } from './fonts.ts';
export { MNIST_RANGES } from './mnistStrokes.ts';

/** dev and test are two fixed seeds; any other seed is a training seed */
export const SPLIT_SEEDS: { dev: number; test: number } = { dev: 7_000_001, test: 9_000_009 };

export const SYNTH_KINDS: readonly SynthKind[] = ['photo-mnist', 'photo-font', 'photo-exif', 'number', 'drawing', 'non-digit'];

/** `k` names a kind of synthetic picture (a command-line value, checked before it is used). */
export function isSynthKind(k: string): k is SynthKind {
  return (SYNTH_KINDS as readonly string[]).includes(k);
}

/** Kinds per block of 20 indices: 4 / 4 / 2 / 3 / 3 / 4 = 20 / 20 / 10 / 15 / 15 / 20 %. */
const BLOCK: readonly SynthKind[] = [
  ...Array<SynthKind>(4).fill('photo-mnist'), ...Array<SynthKind>(4).fill('photo-font'), ...Array<SynthKind>(2).fill('photo-exif'),
  ...Array<SynthKind>(3).fill('number'), ...Array<SynthKind>(3).fill('drawing'), ...Array<SynthKind>(4).fill('non-digit'),
];

export function splitOfSeed(seed: number): SynthSplit {
  return seed === SPLIT_SEEDS.dev ? 'dev' : seed === SPLIT_SEEDS.test ? 'test' : 'train';
}

/** The kind of picture `index` of `seed` (the block of 20 it is in is shuffled by the seed). */
export function kindOf(seed: number, index: number): SynthKind {
  const block = Math.floor(index / BLOCK.length);
  const order = new Rng(pictureSeed(seed, block, 1)).shuffle(BLOCK.slice());
  return order[index % BLOCK.length];
}

const HEIGHT = 100; // design height of laid-out ink, px (rendering rescales it)

function toMarks(label: string, boxes: Box[], W: number, H: number): SynthMark[] {
  return boxes.map((b, i) => {
    const x = Math.max(0, Math.floor(b.x0));
    const y = Math.max(0, Math.floor(b.y0));
    return { label: label[i], box: { x, y, width: Math.min(W, Math.ceil(b.x1)) - x, height: Math.min(H, Math.ceil(b.y1)) - y } };
  });
}

function tidy(h: SynthHazard[]): SynthHazard[] {
  const set = new Set(h);
  return SYNTH_HAZARDS.filter((x) => set.has(x));
}

interface Drawn {
  bytes: Buffer;
  format: SynthPicture['format'];
  width: number;
  height: number;
  boxes: Box[];
  hazards: SynthHazard[];
}

/** A photo of `content` with `pen` (null content: a blank page). */
async function photoOf(rng: Rng, content: Laid | null, pen: Pen, marks: number, exif: boolean, maxSide: number): Promise<Drawn> {
  const ph = await renderPhoto(rng, content, pen, marks, maxSide);
  const enc = await encodePhoto(rng, ph.raster, exif);
  const penHaz: SynthHazard[] = content === null ? [] : [pen.kind];
  return {
    bytes: enc.bytes, format: enc.format, width: ph.raster.width, height: ph.raster.height, boxes: ph.marks,
    hazards: [...penHaz, ...ph.hazards, ...enc.hazards],
  };
}

/** Digits `label` by one writer from `source`, as a photo or a drawing. */
async function digitsPicture(rng: Rng, split: SynthSplit, source: DigitSource, label: string, medium: 'photo' | 'drawing', exif: boolean, maxSide: number, penKind?: PenKind): Promise<Drawn> {
  const digits = [...label].map(Number);
  if (medium === 'photo') {
    const pen = choosePen(rng, penKind);
    const writer = makeWriter(rng, split, source, pen.width);
    const laid = await layoutDigits(rng, writer, digits, HEIGHT);
    const d = await photoOf(rng, laid, pen, digits.length, exif, maxSide);
    return { ...d, hazards: [...writerHazards(writer), ...d.hazards] };
  }
  const cv = chooseCanvas(rng, maxSide);
  const writer = makeWriter(rng, split, source, cv.brush);
  const laid = await layoutDigits(rng, writer, digits, HEIGHT);
  const r = await renderDrawing(rng, cv, laid, digits.length);
  return { ...r, boxes: r.marks, hazards: [...writerHazards(writer), ...r.hazards] };
}

function randomNumber(rng: Rng): string {
  const n = 2 + Math.min(4, Math.floor(rng.next() * rng.next() * 6 + rng.next() * 2));
  let s = '';
  for (let i = 0; i < n; i++) s += String(i === 0 && chance(rng, 0.9) ? 1 + rng.int(9) : rng.int(10));
  return s;
}

/** Deterministic: the same (seed, index) gives the same bytes. */
export interface PictureOptions {
  /** this kind instead of the split's mix (a different picture from the one the index has in the mix) */
  kind?: SynthKind;
  /** cap the long side (px), for quick tests and looks; the picture is otherwise the same */
  maxSide?: number;
  /** photos of digits (photo-mnist, photo-font, photo-exif) written with this pen, e.g. a server whose members write in pencil; the rest of the picture is the same */
  pen?: PenKind;
}

export async function generatePicture(seed: number, index: number, opts: PictureOptions = {}): Promise<SynthPicture> {
  const maxSide = opts.maxSide ?? Infinity;
  const split = splitOfSeed(seed);
  const kind = opts.kind ?? kindOf(seed, index);
  const rng = new Rng(pictureSeed(seed, index, opts.kind === undefined ? 0 : 2 + SYNTH_KINDS.indexOf(kind)));
  const id = `${split}-${String(index).padStart(6, '0')}`;
  let label: string | null = null;
  let drawn: Drawn;
  let subject: string | undefined;
  switch (kind) {
    case 'photo-mnist':
    case 'photo-font':
    case 'photo-exif': {
      label = String(rng.int(10));
      const source: DigitSource = kind === 'photo-mnist' ? 'mnist' : kind === 'photo-font' ? 'font' : weighted(rng, { mnist: 40, font: 40, trajectory: 20 });
      drawn = await digitsPicture(rng, split, source, label, 'photo', kind === 'photo-exif', maxSide, opts.pen);
      break;
    }
    case 'number': {
      label = randomNumber(rng);
      const source = weighted<DigitSource>(rng, { mnist: 40, font: 35, trajectory: 25 });
      drawn = await digitsPicture(rng, split, source, label, chance(rng, 0.6) ? 'photo' : 'drawing', chance(rng, 0.08), maxSide);
      break;
    }
    case 'drawing': {
      label = String(rng.int(10));
      const source = weighted<DigitSource>(rng, { trajectory: 50, mnist: 35, font: 15 });
      drawn = await digitsPicture(rng, split, source, label, 'drawing', false, maxSide);
      break;
    }
    case 'non-digit': {
      const top = weighted(rng, { 'blank-page': 18, ink: 57, 'object-photo': 10, texture: 5, noise: 5, gradient: 5 });
      if (top === 'blank-page') {
        subject = top;
        drawn = await photoOf(rng, null, choosePen(rng), 0, chance(rng, 0.1), maxSide);
      } else if (top === 'ink') {
        const s = chooseInkSubject(rng);
        subject = s;
        const font = pick(rng, FONT_PARTITION[split]);
        if (chance(rng, 0.6)) {
          const pen = choosePen(rng);
          const laid = nonDigitInk(rng, s, font, HEIGHT, pen.width * HEIGHT);
          drawn = await photoOf(rng, laid, pen, 0, chance(rng, 0.1), maxSide);
        } else {
          const cv = chooseCanvas(rng, maxSide);
          const laid = nonDigitInk(rng, s, font, HEIGHT, cv.brush * HEIGHT);
          const r = await renderDrawing(rng, cv, laid, 0);
          drawn = { ...r, boxes: [], hazards: r.hazards };
        }
      } else {
        subject = top;
        const raster = await nonDigitRaster(rng, top as RasterSubject, maxSide);
        const enc = await encodePhoto(rng, raster, false);
        drawn = { bytes: enc.bytes, format: enc.format, width: raster.width, height: raster.height, boxes: [], hazards: enc.hazards };
      }
      break;
    }
  }
  const marks = label === null ? [] : toMarks(label, drawn.boxes, drawn.width, drawn.height);
  if (label !== null && marks.length !== label.length) throw new Error(`synth ${id}: ${marks.length} marks for label ${label}`);
  const pic: SynthPicture = {
    id, bytes: drawn.bytes, format: drawn.format, label, kind, hazards: tidy(drawn.hazards), marks, width: drawn.width, height: drawn.height,
  };
  if (subject !== undefined) pic.subject = subject;
  return pic;
}

/**
 * Pictures index 0..n-1 of a split (seed SPLIT_SEEDS[split] for dev/test; for 'train' pass opts.seed).
 * With `kinds`, only those of indices 0..n-1 whose kind in the mix is listed (ids keep their index).
 */
export async function* generateSplit(split: SynthSplit, n: number, opts: { seed?: number; kinds?: SynthKind[]; maxSide?: number } = {}): AsyncGenerator<SynthPicture> {
  let seed: number;
  if (split === 'train') {
    if (opts.seed === undefined) throw new Error("generateSplit('train') needs opts.seed");
    if (opts.seed === SPLIT_SEEDS.dev || opts.seed === SPLIT_SEEDS.test) throw new Error(`seed ${opts.seed} is a measuring split's seed, not a training seed`);
    seed = opts.seed;
  } else {
    if (opts.seed !== undefined && opts.seed !== SPLIT_SEEDS[split]) throw new Error(`the ${split} split has the fixed seed ${SPLIT_SEEDS[split]}`);
    seed = SPLIT_SEEDS[split];
  }
  const kinds = opts.kinds === undefined ? null : new Set(opts.kinds);
  for (let i = 0; i < n; i++) {
    if (kinds !== null && !kinds.has(kindOf(seed, i))) continue;
    yield generatePicture(seed, i, opts.maxSide === undefined ? {} : { maxSide: opts.maxSide });
  }
}

