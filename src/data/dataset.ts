/** A labelled set of images: n consecutive images of `images.length / n` floats in [0, 1]. */
export interface Dataset {
  images: Float32Array;
  labels: Uint8Array;
  n: number;
}
