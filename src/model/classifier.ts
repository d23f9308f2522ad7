/**
 * What the rest of the product (vision, bot, scripts) needs from a trained model: nothing
 * about layers, only "these 28x28 images → these class probabilities".
 */
export interface DigitClassifier {
  /** Model name as shown to users, e.g. "cnn-2026-11-22". */
  readonly name: string;
  /**
   * images: n consecutive 28x28 row-major images, floats in [0, 1], MNIST convention
   * (white ink on black, digit fitted in 20x20 and centred by centre of mass).
   * Returns n×k probabilities (each row sums to 1), k = the number of classes.
   */
  predictProbs(images: Float32Array, n: number): Float32Array;
  /**
   * What each output means: the ten digits, then "none" (not a digit) for an 11-class model.
   * Absent: the ten digits.
   */
  readonly classes?: readonly string[];
}
