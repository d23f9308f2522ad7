/**
 * The arithmetic the network is built on. Every tensor of a network lives in one heap
 * (a WebAssembly.Memory, so SIMD kernels work in place with no copies); a "pointer" is an
 * index into that heap counted in float32 elements (byte offset / 4).
 *
 * Two implementations exist: a plain TypeScript reference and a WebAssembly SIMD one.
 * They must agree to float32 rounding on every shape.
 */
/** The element-wise non-linearities the kernels know. */
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh';

/**
 * The geometry of a convolution's im2row on NHWC batches: input H×W×C, a k×k kernel moved by
 * `stride` over the input padded by `pad` zeros on each side, giving OH×OW output positions.
 */
export interface ConvGeometry {
  H: number;
  W: number;
  C: number;
  kernel: number;
  stride: number;
  pad: number;
  OH: number;
  OW: number;
}

/** The geometry of max pooling on NHWC batches: H×W×C in, `size`×`size` windows every `stride`, OH×OW×C out. */
export interface PoolGeometry {
  H: number;
  W: number;
  C: number;
  size: number;
  stride: number;
  OH: number;
  OW: number;
}

export interface Kernels {
  readonly name: 'wasm-simd' | 'reference';
  /**
   * Row-major GEMM: C = op(A) · op(B) + (accumulate ? C : 0)
   *   op(A) is M×K (A is stored K×M when transA), op(B) is K×N (B is stored N×K when transB).
   *   lda, ldb, ldc are row strides in elements of the matrices as stored.
   */
  gemm(
    transA: boolean, transB: boolean,
    M: number, N: number, K: number,
    a: number, lda: number,
    b: number, ldb: number,
    c: number, ldc: number,
    accumulate: boolean,
  ): void;

  /**
   * SGD step on n parameters: g' = g + decay·p; with momentum μ > 0 (velocity pointer ≠ 0)
   * v = μ·v − lr·g', p += v; otherwise p −= lr·g'.
   */
  sgdUpdate(params: number, grads: number, velocity: number, n: number, lr: number, decay: number, momentum: number): void;
  /**
   * Adam step on n parameters with bias correction folded into stepSize:
   * g' = g + decay·p; m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'²; p −= stepSize·m / (√v + ε).
   */
  adamUpdate(params: number, grads: number, m: number, v: number, n: number, stepSize: number, beta1: number, beta2: number, epsilon: number, decay: number): void;

  /** y[r·n + j] = bias[j] for every row r < rows: the bias broadcast a GEMM then accumulates onto. */
  biasRows(y: number, bias: number, rows: number, n: number): void;
  /** dst[j] = Σ_{r < rows} src[r·n + j]: the bias gradient of a rows×n output gradient. */
  columnSums(dst: number, src: number, rows: number, n: number): void;

  /** y = f(x) element-wise on n floats (x and y may be the same pointer). */
  activationForward(kind: ActivationKind, x: number, y: number, n: number): void;
  /**
   * dx = dy · f′ written from the saved output y = f(x): relu′ = [y > 0], sigmoid′ = y(1−y),
   * tanh′ = 1−y².
   */
  activationBackward(kind: ActivationKind, y: number, dy: number, dx: number, n: number): void;
  /** out = a ⊙ b on n floats (dropout applies its scaled 0/1 mask with it). */
  multiply(a: number, b: number, out: number, n: number): void;

  /**
   * Max pooling of `batch` NHWC images at x into y; argmax (batch·OH·OW·C int32 slots in the
   * heap) receives each output's winning input as a float offset from x. Ties: the first
   * element of the window in (ky, kx) order wins.
   */
  maxpoolForward(x: number, y: number, argmax: number, g: PoolGeometry, batch: number): void;
  /** dx = 0 (inCount floats), then dx[argmax[o]] += dy[o] for o < outCount. */
  maxpoolBackward(dy: number, dx: number, argmax: number, outCount: number, inCount: number): void;

  /**
   * im2row: for each output position of `batch` NHWC images at x, its k·k·C input patch in
   * (ky, kx, c) order as one row of `rows` (zeros where the patch leaves the image).
   */
  im2row(x: number, rows: number, g: ConvGeometry, batch: number): void;
  /** The adjoint of im2row: dx = 0, then every row element is added to the input element it was read from. */
  row2im(rows: number, dx: number, g: ConvGeometry, batch: number): void;
}
