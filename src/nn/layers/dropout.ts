import type { Rng } from '../rng.ts';
import { size, type Layer, type LayerContext, type Shape } from './layer.ts';

/**
 * Inverted dropout: in training each unit is kept with probability 1-rate and scaled by
 * 1/(1-rate), so inference is the identity and needs no rescaling.
 */
export class Dropout implements Layer {
  readonly type = 'dropout';
  readonly paramCount = 0;
  readonly decay = [];
  readonly outShape: Shape;
  private readonly n: number;
  private ctx!: LayerContext;
  private rng!: Rng;
  private y = 0;
  private dx = 0;
  /** the scaled keep mask (0 or 1/(1-rate)) of the last training batch, in the heap */
  private mask = 0;
  private active = false;

  constructor(
    readonly inShape: Shape,
    readonly rate: number,
  ) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
    this.outShape = inShape;
    this.n = size(inShape);
  }

  bind(ctx: LayerContext): void {
    this.ctx = ctx;
    this.rng = ctx.rng.fork();
    this.y = ctx.heap.alloc(ctx.maxBatch * this.n);
    if (ctx.trainable) this.dx = ctx.heap.alloc(ctx.maxBatch * this.n);
    this.mask = ctx.heap.alloc(ctx.maxBatch * this.n);
  }

  init(): void {}

  forward(x: number, batch: number, training: boolean): number {
    this.active = training && this.rate > 0;
    if (!this.active) return x;
    const h = this.ctx.heap.f32;
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    const n = batch * this.n;
    // The mask is drawn in TypeScript from the layer's seeded Rng (deterministic per seed).
    for (let i = 0; i < n; i++) h[this.mask + i] = this.rng.next() < keep ? scale : 0;
    this.ctx.kernels.multiply(x, this.mask, this.y, n);
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return 0;
    if (!this.active) return dy;
    this.ctx.kernels.multiply(dy, this.mask, this.dx, batch * this.n);
    return this.dx;
  }

  spec() {
    return { type: 'dropout' as const, rate: this.rate };
  }
}
