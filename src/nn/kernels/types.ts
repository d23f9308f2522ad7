/**
 * The arithmetic the network is built on. Every tensor of a network lives in one heap
 * (a WebAssembly.Memory, so SIMD kernels work in place with no copies); a "pointer" is an
 * index into that heap counted in float32 elements (byte offset / 4).
 *
 * Two implementations exist: a plain TypeScript reference and a WebAssembly SIMD one.
 * They must agree to float32 rounding on every shape.
 */
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
}
