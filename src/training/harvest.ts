/**
 * Training crops from labelled pictures: the picture goes through the same vision path as at
 * serving time (decode → analyse → one 28x28 crop per candidate mark), and each crop gets the
 * class of the digit drawn where it was cut, or "not a digit" — so the model learns from
 * exactly what the pipeline hands it, desk edges, shadow lines, letters and pieces included.
 */
import { NONE_LABEL } from '../data/crops.ts';
import { decodeImage } from '../vision/decode.ts';
import { loadMorphologyKernels } from '../vision/morphologyWasm.ts';
import { analyse } from '../vision/pipeline.ts';
import { resolveOptions, type VisionOptions } from '../vision/options.ts';
import { boxIntersection, type Box } from '../vision/raster.ts';

/** A digit drawn in the picture: its label and where its ink is (displayed, upright pixels). */
export interface DrawnMark {
  label: string;
  box: Box;
}

/**
 * What a cut-out mark is: a digit (0-9, with the index of the drawn mark it is), not a digit
 * (NONE_LABEL), or `null` when it is ambiguous (a digit plus something else, half a digit) and
 * is better left out of training.
 */
export type CropClass = { label: number; mark: number | null } | null;

/** A mark is "about" a drawn digit when this much of either box lies in the other. */
const INVOLVED = 0.2;
/** A crop is that digit when both boxes lie this much inside each other. */
const SAME = 0.6;
/** A crop covering less than this of one digit (and nothing else) is a piece of it: not a digit. */
const PIECE = 0.35;
/** Two digits each covered this much by one crop: digits that touch, not one digit. */
const MERGED = 0.5;

const area = (b: Box) => Math.max(0, b.width) * Math.max(0, b.height);

/** The class of a crop whose ink box is `crop`, given the digits drawn in the picture. */
export function classifyCrop(crop: Box, marks: readonly DrawnMark[]): CropClass {
  const cropArea = Math.max(1, area(crop));
  const none = { label: NONE_LABEL, mark: null };
  const overlaps = marks.map((m, index) => {
    const inter = boxIntersection(crop, m.box);
    return { index, ofCrop: inter / cropArea, ofMark: inter / Math.max(1, area(m.box)) };
  });
  const involved = overlaps.filter((o) => o.ofCrop >= INVOLVED || o.ofMark >= INVOLVED);
  if (involved.length === 0) return none;
  if (involved.filter((o) => o.ofMark >= MERGED).length >= 2) return none;
  const main = involved.reduce((a, b) => (b.ofMark > a.ofMark ? b : a));
  if (main.ofMark >= SAME && main.ofCrop >= SAME) return { label: Number(marks[main.index].label), mark: main.index };
  if (main.ofMark < PIECE && main.ofCrop >= SAME) return none;
  return null;
}

export interface HarvestedCrop {
  image: Float32Array;
  label: number;
}

export interface Harvest {
  crops: HarvestedCrop[];
  /** crops left out as ambiguous */
  skipped: number;
  /** drawn digits that no crop was labelled with (the segmentation missed or merged them) */
  missed: number;
}

/** Cuts a labelled picture into training crops with the serving pipeline. */
export async function harvestPicture(bytes: Buffer, marks: readonly DrawnMark[], options: Partial<VisionOptions> = {}): Promise<Harvest> {
  const opts = resolveOptions(options);
  // the WebAssembly filters, as readDigits loads them (same answers as the TypeScript ones, faster)
  const [decoded] = await Promise.all([decodeImage(bytes, opts), loadMorphologyKernels()]);
  // as an 11-class model is served: every candidate mark, no shape rules
  const analysis = analyse(decoded.image, opts, true);
  const scale = decoded.originalWidth / decoded.image.width;
  const crops: HarvestedCrop[] = [];
  const found = new Set<number>();
  let skipped = 0;
  for (const d of analysis.digits) {
    const box = { x: d.box.x * scale, y: d.box.y * scale, width: d.box.width * scale, height: d.box.height * scale };
    const cls = classifyCrop(box, marks);
    if (cls === null) {
      skipped++;
      continue;
    }
    crops.push({ image: d.image, label: cls.label });
    if (cls.mark !== null) found.add(cls.mark);
  }
  return { crops, skipped, missed: marks.length - found.size };
}
