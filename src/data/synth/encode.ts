/** Raw pixels to the file a user would post: JPEG/PNG/WebP, optionally stored rotated with an EXIF orientation. */
import sharp from 'sharp';
import { pick, type Rng } from './random.ts';
import type { SynthHazard } from './types.ts';

export interface Raster {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

export interface Encoded {
  bytes: Buffer;
  format: 'png' | 'jpeg' | 'webp';
  hazards: SynthHazard[];
}

/** How the stored pixels are turned for each orientation (sharp's rotate is clockwise). */
const STORE_ROTATION: Record<3 | 6 | 8, number> = { 3: 180, 6: 270, 8: 90 };

/**
 * Encodes a photo: JPEG of quality 55-95 mostly, some PNG/WebP; with `exif` the pixels are turned
 * and the EXIF orientation set so that a viewer shows the picture upright (always JPEG then).
 */
export async function encodePhoto(rng: Rng, img: Raster, exif: boolean): Promise<Encoded> {
  const hazards: SynthHazard[] = [];
  const roll = rng.next();
  const format: Encoded['format'] = exif || roll < 0.86 ? 'jpeg' : roll < 0.93 ? 'png' : 'webp';
  const quality = Math.round(rng.uniform(55, 96));
  let pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (exif) {
    const orientation = pick(rng, [3, 6, 8] as const);
    const turned = await pipeline.rotate(STORE_ROTATION[orientation]).raw().toBuffer({ resolveWithObject: true });
    pipeline = sharp(turned.data, { raw: { width: turned.info.width, height: turned.info.height, channels: img.channels } }).withMetadata({ orientation });
    hazards.push('exif');
  }
  let bytes: Buffer;
  if (format === 'jpeg') {
    bytes = await pipeline.jpeg({ quality }).toBuffer();
    if (quality < 70) hazards.push('jpeg-low');
  } else if (format === 'png') {
    bytes = await pipeline.png({ compressionLevel: 6 }).toBuffer();
  } else {
    bytes = await pipeline.webp({ quality }).toBuffer();
  }
  return { bytes, format, hazards };
}

/** Encodes a drawing-app export (lossless PNG mostly, some WebP). */
export async function encodeDrawing(rng: Rng, img: Raster): Promise<Encoded> {
  const pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (rng.next() < 0.88) return { bytes: await pipeline.png({ compressionLevel: 6 }).toBuffer(), format: 'png', hazards: [] };
  return { bytes: await pipeline.webp({ lossless: rng.next() < 0.5, quality: 90 }).toBuffer(), format: 'webp', hazards: [] };
}
