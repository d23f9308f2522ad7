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
