import { size, type Activation, type Layer, type LayerContext, type Shape } from './layer.ts';

/** Element-wise non-linearity; the derivative is written from the saved output. */
export class ActivationLayer implements Layer {
  readonly paramCount = 0;
  readonly decay = [];
  readonly outShape: Shape;
  private readonly n: number;
  private ctx!: LayerContext;
  private y = 0;
  private dx = 0;

  constructor(
    readonly inShape: Shape,
    readonly type: Activation,
  ) {
    this.outShape = inShape;
    this.n = size(inShape);
  }

  bind(ctx: LayerContext): void {
    this.ctx = ctx;
    this.y = ctx.heap.alloc(ctx.maxBatch * this.n);
    if (ctx.trainable) this.dx = ctx.heap.alloc(ctx.maxBatch * this.n);
  }

  init(): void {}

  forward(x: number, batch: number): number {
    this.ctx.kernels.activationForward(this.type, x, this.y, batch * this.n);
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return 0;
    this.ctx.kernels.activationBackward(this.type, this.y, dy, this.dx, batch * this.n);
    return this.dx;
  }

  spec() {
    return { type: this.type };
  }
}
