import { initWeights } from '../init.ts';
import type { Rng } from '../rng.ts';
import { size, type InitScheme, type Layer, type LayerContext, type Shape } from './layer.ts';

/** Fully connected: y = x·W + b, W stored (in, out) so the forward pass is a plain NN GEMM. */
export class Dense implements Layer {
  readonly type = 'dense';
  readonly outShape: Shape;
  readonly paramCount: number;
  readonly decay: { offset: number; length: number }[];
  private readonly nIn: number;
  private ctx!: LayerContext;
  private w = 0; // (in, out)
  private b = 0; // (out)
  private dw = 0;
  private db = 0;
  private y = 0; // (B, out)
  private dx = 0; // (B, in)
  private x = 0;

  constructor(
    readonly inShape: Shape,
    readonly units: number,
  ) {
    this.nIn = size(inShape);
    this.outShape = [units];
    this.paramCount = this.nIn * units + units;
    this.decay = [{ offset: 0, length: this.nIn * units }];
  }

  bind(ctx: LayerContext, params: number, grads: number): void {
    this.ctx = ctx;
    this.w = params;
    this.b = params + this.nIn * this.units;
    this.dw = grads;
    this.db = grads + this.nIn * this.units;
    this.y = ctx.heap.alloc(ctx.maxBatch * this.units);
    if (ctx.trainable) this.dx = ctx.heap.alloc(ctx.maxBatch * this.nIn);
  }

  init(rng: Rng, scheme: InitScheme): void {
    const h = this.ctx.heap.f32;
    initWeights(h.subarray(this.w, this.w + this.nIn * this.units), this.nIn, this.units, scheme, rng);
    // Nielsen initialises biases N(0,1); the modern schemes start them at zero.
    const bias = h.subarray(this.b, this.b + this.units);
    if (scheme === 'nielsen') for (let i = 0; i < bias.length; i++) bias[i] = rng.normal();
    else bias.fill(0);
  }

  forward(x: number, batch: number): number {
    const { units, nIn } = this;
    this.x = x;
    // y = broadcast(b), then y += x·W
    this.ctx.kernels.biasRows(this.y, this.b, batch, units);
    this.ctx.kernels.gemm(false, false, batch, units, nIn, x, nIn, this.w, units, this.y, units, true);
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    const { units, nIn } = this;
    const k = this.ctx.kernels;
    // dW = xᵀ·dy (in, out); db = Σ_rows dy
    k.gemm(true, false, nIn, units, batch, this.x, nIn, dy, units, this.dw, units, false);
    k.columnSums(this.db, dy, batch, units);
    if (!needInputGrad) return 0;
    // dx = dy·Wᵀ (B, in)
    k.gemm(false, true, batch, nIn, units, dy, units, this.w, units, this.dx, nIn, false);
    return this.dx;
  }

  spec() {
    return { type: 'dense' as const, units: this.units };
  }
}
