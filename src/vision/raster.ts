/**
 * The in-memory picture formats that the pure pipeline steps pass to each other. Plain typed
 * arrays, row-major, no sharp objects: every step after decode is a function of these.
 */

/** 8-bit RGBA, 4 bytes per pixel, as decoded (oriented, shrunk to working size). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The R, G, B planes (0..255) of a picture without transparency: three float planes, or the
 * decoded RGBA bytes of an opaque picture, whose first three channels they are (not copied).
 */
export type ColourPlanes = { kind: 'planes'; planes: [Float32Array, Float32Array, Float32Array] } | { kind: 'rgba'; data: Uint8Array };

/** One float per pixel; the meaning (luminance 0..255, ink 0..1) is stated by the producer. */
export interface FloatImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** One byte per pixel, 0 or 1. */
export interface MaskImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The number of ink pixels of a 0/1 mask's bytes: four at a time where they are 4-aligned. */
export function countInk(data: Uint8Array): number {
  let n = 0;
  let i = 0;
  if (data.byteOffset % 4 === 0) {
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
    // four bytes of 0 or 1: their sum lands in the top byte of the product
    for (let j = 0; j < words.length; j++) if (words[j]) n += Math.imul(words[j], 0x01010101) >>> 24;
    i = words.length * 4;
  }
  for (; i < data.length; i++) n += data[i];
  return n;
}

/** Calls `f` with the index of every ink pixel of a 0/1 mask's bytes, in order; runs of paper are skipped four bytes at a time where they are 4-aligned. */
export function forEachInk(data: Uint8Array, f: (i: number) => void): void {
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  for (let i = 0; i < data.length; i++) {
    if (words && (i & 3) === 0) {
      while (i + 4 <= data.length && words[i >> 2] === 0) i += 4;
      if (i >= data.length) break;
    }
    if (data[i]) f(i);
  }
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The area two boxes share (0 when they do not overlap). */
export function boxIntersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** How much two boxes overlap: their shared area over their union's (0 for empty boxes). */
export function boxIoU(a: Box, b: Box): number {
  const i = boxIntersection(a, b);
  const union = a.width * a.height + b.width * b.height - i;
  return union > 0 ? i / union : 0;
}
