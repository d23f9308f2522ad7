/**
 * Argument checks shared by every GEMM implementation. A wrong pointer or stride would
 * otherwise silently read or overwrite a neighbouring tensor in the shared heap, so each call
 * pays a few comparisons (negligible next to the multiply) to fail loudly instead.
 */
export function checkGemmArgs(
  heapFloats: number,
  transA: boolean, transB: boolean,
  M: number, N: number, K: number,
  a: number, lda: number,
  b: number, ldb: number,
  c: number, ldc: number,
): void {
  if (!isCount(M) || !isCount(N) || !isCount(K)) {
    throw new RangeError(`gemm: sizes must be non-negative integers, got M=${M} N=${N} K=${K}`);
  }
  // op(A) is M×K: stored rows × cols is K×M when transposed.
  checkMatrix('A', heapFloats, a, lda, transA ? K : M, transA ? M : K);
  checkMatrix('B', heapFloats, b, ldb, transB ? N : K, transB ? K : N);
  checkMatrix('C', heapFloats, c, ldc, M, N);
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

function checkMatrix(name: string, heapFloats: number, ptr: number, ld: number, rows: number, cols: number): void {
  if (!Number.isInteger(ptr) || !Number.isInteger(ld) || ld < cols || ld < 1) {
    throw new RangeError(`gemm: ${name} needs an integer pointer and a row stride ≥ ${cols}, got ptr=${ptr} ld=${ld}`);
  }
  if (rows === 0 || cols === 0) return;
  const end = ptr + (rows - 1) * ld + cols;
  if (ptr <= 0 || end > heapFloats) {
    throw new RangeError(`gemm: ${name} (${rows}×${cols}, ld=${ld}) at ${ptr} lies outside the heap of ${heapFloats} floats`);
  }
}
