import type { Heap } from '../heap.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Rng } from '../rng.ts';

/** Per-sample shape: [height, width, channels] for images (NHWC batches), [n] for vectors. */
export type Shape = readonly number[];

export const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export type InitScheme = 'nielsen' | 'xavier' | 'he';

/** What every layer gets when the network lays out its memory. */
export interface LayerContext {
  heap: Heap;
  kernels: Kernels;
  /** the largest batch a forward/backward call will see; buffers are sized for it */
  maxBatch: number;
  rng: Rng;
  /** false for inference-only networks: no gradient buffers are allocated */
  trainable: boolean;
}

/**
 * Every layer has the same small surface (after convnetjs): a forward step, the backward step
 * beside it, and its parameters as a slice of the network's one contiguous buffer.
 * Pointers are float32 indices into the shared heap; batches are row-major, sample-major.
 */
export interface Layer {
  readonly type: string;
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** number of float parameters (weights then biases) */
  readonly paramCount: number;
  /** offsets (relative to this layer's parameters) of the weights that L2 applies to; biases are exempt */
  readonly decay: readonly { offset: number; length: number }[];
  /** lays out buffers; params/grads are this layer's slices of the network's buffers */
  bind(ctx: LayerContext, params: number, grads: number): void;
  /** writes initial parameters */
  init(rng: Rng, scheme: InitScheme): void;
  /** returns a pointer to the output batch; keeps what backward needs */
  forward(x: number, batch: number, training: boolean): number;
  /**
   * Given dLoss/dOutput, writes this batch's parameter gradients (overwriting) and returns
   * dLoss/dInput, or 0 when needInputGrad is false (the first layer need not compute it).
   */
  backward(dy: number, batch: number, needInputGrad: boolean): number;
  /** the JSON description that rebuilds this layer */
  spec(): LayerSpec;
}

export type Activation = 'sigmoid' | 'tanh' | 'relu';

export type LayerSpec =
  | { type: 'dense'; units: number }
  | { type: 'conv2d'; filters: number; kernel: number; stride?: number; padding?: 'valid' | 'same' }
  | { type: 'maxpool'; size: number; stride?: number }
  | { type: 'flatten' }
  | { type: 'dropout'; rate: number }
  | { type: Activation };
