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
  private argmax = new Int32Array(0);

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
  }

  bind(ctx: LayerContext): void {
    this.ctx = ctx;
    this.y = ctx.heap.alloc(ctx.maxBatch * size(this.outShape));
    if (ctx.trainable) this.dx = ctx.heap.alloc(ctx.maxBatch * size(this.inShape));
    this.argmax = new Int32Array(ctx.maxBatch * size(this.outShape));
  }

  init(): void {}

  forward(x: number, batch: number): number {
    const h = this.ctx.heap.f32;
    const [H, W, C] = this.inShape;
    const [OH, OW] = this.outShape;
    const { poolSize: p, stride: s } = this;
    const inSize = H * W * C;
    let o = 0;
    for (let b = 0; b < batch; b++) {
      const base = x + b * inSize;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let c = 0; c < C; c++, o++) {
            let best = -Infinity;
            let bestAt = 0;
            for (let ky = 0; ky < p; ky++) {
              const row = base + ((oy * s + ky) * W + ox * s) * C + c;
              for (let kx = 0; kx < p; kx++) {
                const at = row + kx * C;
                const v = h[at];
                if (v > best) {
                  best = v;
                  bestAt = at;
                }
              }
            }
            h[this.y + o] = best;
            this.argmax[o] = bestAt - x;
          }
        }
      }
    }
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    if (!needInputGrad) return 0;
    const h = this.ctx.heap.f32;
    const n = batch * size(this.outShape);
    h.fill(0, this.dx, this.dx + batch * size(this.inShape));
    for (let o = 0; o < n; o++) h[this.dx + this.argmax[o]] += h[dy + o];
    return this.dx;
  }

  spec() {
    return { type: 'maxpool' as const, size: this.poolSize, stride: this.stride };
  }
}
