import { initWeights } from '../init.ts';
import type { ConvGeometry } from '../kernels/types.ts';
import type { Rng } from '../rng.ts';
import { size, type InitScheme, type Layer, type LayerContext, type Shape } from './layer.ts';

/**
 * 2-D convolution on NHWC batches as one GEMM (im2row): each output position becomes a row
 * holding its k·k·C input patch, so y (B·OH·OW, F) = rows (B·OH·OW, k·k·C) · W (k·k·C, F).
 * The output is NHWC again with no transpose, and the GEMM's M is large (good for SIMD tiles).
 */
export class Conv2d implements Layer {
  readonly type = 'conv2d';
  readonly outShape: Shape;
  readonly paramCount: number;
  readonly decay: { offset: number; length: number }[];
  readonly pad: number;
  private readonly patch: number; // k·k·C
  private readonly geometry: ConvGeometry;
  private ctx!: LayerContext;
  private w = 0;
  private b = 0;
  private dw = 0;
  private db = 0;
  private rows = 0;
  private dRows = 0;
  private y = 0;
  private dx = 0;

  constructor(
    readonly inShape: Shape,
    readonly filters: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly padding: 'valid' | 'same' = 'valid',
  ) {
    if (inShape.length !== 3) throw new Error(`conv2d needs an (H, W, C) input, got (${inShape.join(', ')})`);
    const [h, w, c] = inShape;
    this.pad = padding === 'same' ? Math.floor(kernel / 2) : 0;
    const oh = Math.floor((h + 2 * this.pad - kernel) / stride) + 1;
    const ow = Math.floor((w + 2 * this.pad - kernel) / stride) + 1;
    if (oh < 1 || ow < 1) throw new Error(`conv2d ${kernel}x${kernel} does not fit a ${h}x${w} input`);
    this.outShape = [oh, ow, filters];
    this.geometry = { H: h, W: w, C: c, kernel, stride, pad: this.pad, OH: oh, OW: ow };
    this.patch = kernel * kernel * c;
    this.paramCount = this.patch * filters + filters;
    this.decay = [{ offset: 0, length: this.patch * filters }];
  }

  bind(ctx: LayerContext, params: number, grads: number): void {
    this.ctx = ctx;
    this.w = params;
    this.b = params + this.patch * this.filters;
    this.dw = grads;
    this.db = grads + this.patch * this.filters;
    const positions = ctx.maxBatch * this.outShape[0] * this.outShape[1];
    this.rows = ctx.heap.alloc(positions * this.patch);
    this.y = ctx.heap.alloc(positions * this.filters);
    if (ctx.trainable) {
      this.dRows = ctx.heap.alloc(positions * this.patch);
      this.dx = ctx.heap.alloc(ctx.maxBatch * size(this.inShape));
    }
  }

  init(rng: Rng, scheme: InitScheme): void {
    const h = this.ctx.heap.f32;
    const fanOut = this.kernel * this.kernel * this.filters;
    initWeights(h.subarray(this.w, this.w + this.patch * this.filters), this.patch, fanOut, scheme, rng);
    h.fill(0, this.b, this.b + this.filters);
  }

  forward(x: number, batch: number): number {
    const { filters, patch } = this;
    const m = batch * this.outShape[0] * this.outShape[1];
    const k = this.ctx.kernels;
    // rows = im2row(x); y = broadcast(b), then y += rows·W
    k.im2row(x, this.rows, this.geometry, batch);
    k.biasRows(this.y, this.b, m, filters);
    k.gemm(false, false, m, filters, patch, this.rows, patch, this.w, filters, this.y, filters, true);
    return this.y;
  }

  backward(dy: number, batch: number, needInputGrad: boolean): number {
    const { filters, patch } = this;
    const m = batch * this.outShape[0] * this.outShape[1];
    const k = this.ctx.kernels;
    // dW = rowsᵀ·dy (patch, F); db = Σ_rows dy
    k.gemm(true, false, patch, filters, m, this.rows, patch, dy, filters, this.dw, filters, false);
    k.columnSums(this.db, dy, m, filters);
    if (!needInputGrad) return 0;
    // dRows = dy·Wᵀ, then scatter-add each patch back onto the input positions it came from
    k.gemm(false, true, m, patch, filters, dy, filters, this.w, filters, this.dRows, patch, false);
    k.row2im(this.dRows, this.dx, this.geometry, batch);
    return this.dx;
  }

  spec() {
    return { type: 'conv2d' as const, filters: this.filters, kernel: this.kernel, stride: this.stride, padding: this.padding };
  }
}
