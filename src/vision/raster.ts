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
