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
