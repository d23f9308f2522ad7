/** What the image pipeline answers for one picture. Shared by predict, the bot and the store. */
export interface DigitReading {
  /** 0-9 */
  digit: number;
  /** probability of `digit` */
  confidence: number;
  /** the three most likely classes, best first */
  top3: { digit: number; p: number }[];
  /** the 28x28 image (floats in [0,1], MNIST convention) the model saw */
  image: Float32Array;
  /** where this digit was in the (oriented) picture, in pixels */
  box: { x: number; y: number; width: number; height: number };
  /** Probability that the mark is not a digit at all (11-class models only). */
  notDigit?: number;
  /**
   * Distance to the nearest MNIST training digit (vision/novelty.ts); large for shapes and
   * letters. Absent when that gate is off.
   */
  novelty?: number;
}

export interface Reading {
  /** the digits read left to right, "" when no digit was found */
  digits: string;
  /** overall confidence: product of the per-digit confidences (0 when no digit) */
  confidence: number;
  perDigit: DigitReading[];
  /** true when the picture holds no digit we trust (blank, noise, not a digit) */
  noDigit: boolean;
  /** why no digit was reported, for an honest answer ("blank image", "not a digit", …) */
  reason?: string;
  /** ink polarity detected in the photo */
  polarity?: 'dark-on-light' | 'light-on-dark';
  /**
   * When `noDigit` is set: what the pipeline saw and the model guessed before refusing, for
   * debugging and `predict --explain` (never shown as an answer).
   */
  candidates?: DigitReading[];
  /**
   * Every mark the model classified, left to right: the digits read (the same objects as in
   * `perDigit`) and the marks dropped as not a digit. What a label can land on (bot/labelling).
   */
  marks?: DigitReading[];
}

/**
 * Why a file was refused. 'too-small' (a side under a few pixels) and 'internal' (an unexpected
 * failure inside the pipeline, wrapped so that callers only ever catch this one error type) were
 * added by the vision module.
 */
export type RejectionCode =
  | 'too-large'
  | 'too-many-pixels'
  | 'unsupported'
  | 'corrupt'
  | 'timeout'
  | 'empty'
  | 'too-small'
  | 'internal';

/** A picture refused before or during decoding (too big, corrupt, unsupported). */
export class ImageRejectedError extends Error {
  constructor(
    message: string,
    readonly code: RejectionCode,
  ) {
    super(message);
    this.name = 'ImageRejectedError';
  }
}
