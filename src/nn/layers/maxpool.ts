import type { PoolGeometry } from '../kernels/types.ts';
import { size, type Layer, type LayerContext, type Shape } from './layer.ts';

/** Max pooling over (H, W) per channel, NHWC; remembers each window's winner for backward. */
export class MaxPool implements Layer {
  readonly type = 'maxpool';
  readonly paramCount = 0;
  readonly decay = [];
  readonly outShape: Shape;
  private readonly stride: number;
  private ctx!: LayerContext;
  private y = 0;
  private dx = 0;
  private readonly geometry: PoolGeometry;
  /** int32 slots in the heap: each output's winning input as an offset from the input batch */
  private argmax = 0;

  constructor(
    readonly inShape: Shape,
    readonly poolSize: number,
    stride?: number,
  ) {
    if (inShape.length !== 3) throw new Error(`maxpool needs an (H, W, C) input, got (${inShape.join(', ')})`);
    this.stride = stride ?? poolSize;
    const [h, w, c] = inShape;
    const oh = Math.floor((h - poolSize) / this.stride) + 1;
    const ow = Math.floor((w - poolSize) / this.stride) + 1;
    if (oh < 1 || ow < 1) throw new Error(`maxpool ${poolSize} does not fit a ${h}x${w} input`);
    this.outShape = [oh, ow, c];
    this.geometry = { H: h, W: w, C: c, size: poolSize, stride: this.stride, OH: oh, OW: ow };
  }

  bind(ctx: LayerContext): void {
    this.ctx = ctx;
    this.y = ctx.heap.alloc(ctx.maxBatch * size(this.outShape));
    if (ctx.trainable) this.dx = ctx.heap.alloc(ctx.maxBatch * size(this.inShape));
    this.argmax = ctx.heap.alloc(ctx.maxBatch * size(this.outShape));
  }

  init(): void {}

  forward(x: number, batch: number): number {
    this.ctx.kernels.maxpoolForward(x, this.y, this.argmax, this.geometry, batch);
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return 0;
    this.ctx.kernels.maxpoolBackward(dy, this.dx, this.argmax, batch * size(this.outShape), batch * size(this.inShape));
    return this.dx;
  }

  spec() {
    return { type: 'maxpool' as const, size: this.poolSize, stride: this.stride };
  }
}
