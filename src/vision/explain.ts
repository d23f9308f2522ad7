/**
 * Debug pictures for `predict --explain`: the 28x28 images exactly as the model saw them, and
 * an overview of the working picture (ink mask in grey, segments framed) to see why a picture
 * was split or refused.
 */
import sharp from 'sharp';
import type { Analysis } from './pipeline.ts';
import { SIDE } from './to28.ts';

/** A 28x28 float image (white ink on black) as a greyscale PNG. */
export async function digitPng(image: Float32Array, upscale = 1): Promise<Buffer> {
  const raw = Buffer.alloc(SIDE * SIDE);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.round(Math.min(1, Math.max(0, image[i])) * 255);
  const s = sharp(raw, { raw: { width: SIDE, height: SIDE, channels: 1 } });
  return (upscale > 1 ? s.resize(SIDE * upscale, SIDE * upscale, { kernel: 'nearest' }) : s).png().toBuffer();
}

/** Ink map as grey, thresholded mask in white, kept segments boxed in red. */
export async function overviewPng(a: Analysis): Promise<Buffer> {
  const { width: w, height: h } = a.norm.ink;
  const rgb = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const v = a.norm.mask.data[i] ? 255 : Math.round(a.norm.ink.data[i] * 160);
    rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = v;
  }
  for (const s of a.segmentation.segments) {
    const { x, y, width, height } = s.box;
    const paint = (px: number, py: number): void => {
      if (px < 0 || py < 0 || px >= w || py >= h) return;
      const i = (py * w + px) * 3;
      rgb[i] = 255;
      rgb[i + 1] = 40;
      rgb[i + 2] = 40;
    };
    for (let k = x - 1; k <= x + width; k++) {
      paint(k, y - 1);
      paint(k, y + height);
    }
    for (let k = y - 1; k <= y + height; k++) {
      paint(x - 1, k);
      paint(x + width, k);
    }
  }
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}
