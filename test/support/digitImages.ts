/** Pictures of digits for end-to-end tests and the load script: MNIST digits as "photos" (PNG). */
import sharp from 'sharp';

/**
 * One 28x28 MNIST image (floats, white ink on black) as a PNG that looks like ink on paper:
 * inverted, upscaled `scale`×, with a margin of paper around it.
 */
export async function mnistToPng(images: Float32Array, index: number, scale = 4, margin = 24): Promise<Buffer> {
  const side = 28;
  const raw = Buffer.alloc(side * side);
  for (let i = 0; i < side * side; i++) raw[i] = 255 - Math.round(Math.min(1, Math.max(0, images[index * side * side + i]!)) * 255);
  return sharp(raw, { raw: { width: side, height: side, channels: 1 } })
    .resize(side * scale, side * scale, { kernel: 'cubic' })
    .extend({ top: margin, bottom: margin, left: margin, right: margin, background: { r: 255, g: 255, b: 255 } })
    .png()
    .toBuffer();
}

/**
 * The same photo with a dark mark beside the digit, as chat pictures have them: `square` (a blob
 * the 11-class model calls "not a digit") or `bar` (a long thin stroke, like a paper edge, that it
 * reads as a 1 — the misread a correction must be able to fix).
 */
export async function mnistWithMark(images: Float32Array, index: number, mark: 'square' | 'bar'): Promise<Buffer> {
  const digit = await mnistToPng(images, index);
  const side = (await sharp(digit).metadata()).width ?? 160;
  const shape = mark === 'square' ? { width: 40, height: 40 } : { width: 6, height: 120 };
  const ink = await sharp({ create: { ...shape, channels: 3, background: { r: 20, g: 20, b: 20 } } }).png().toBuffer();
  return sharp({ create: { width: side + 100, height: side, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite([{ input: digit, left: 0, top: 0 }, { input: ink, left: side + 30, top: 20 }])
    .png()
    .toBuffer();
}
