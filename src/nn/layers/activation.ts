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
    const h = this.ctx.heap.f32;
    const end = x + batch * this.n;
    const y = this.y - x;
    switch (this.type) {
      case 'relu':
        for (let i = x; i < end; i++) {
          const v = h[i];
          h[i + y] = v > 0 ? v : 0;
        }
        break;
      case 'sigmoid':
        for (let i = x; i < end; i++) h[i + y] = 1 / (1 + Math.exp(-h[i]));
        break;
      case 'tanh':
        for (let i = x; i < end; i++) h[i + y] = Math.tanh(h[i]);
        break;
    }
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return 0;
    const h = this.ctx.heap.f32;
    const n = batch * this.n;
    const y = this.y;
    const dx = this.dx;
    switch (this.type) {
      case 'relu':
        for (let i = 0; i < n; i++) h[dx + i] = h[y + i] > 0 ? h[dy + i] : 0;
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) {
          const s = h[y + i];
          h[dx + i] = h[dy + i] * s * (1 - s);
        }
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) {
          const t = h[y + i];
          h[dx + i] = h[dy + i] * (1 - t * t);
        }
        break;
    }
    return dx;
  }

  spec() {
    return { type: this.type };
  }
}
