/**
 * Plain TypeScript GEMM: the definition the SIMD kernel is tested against, and the fallback
 * where WebAssembly SIMD is unavailable. Clarity first; the loop orders only keep the inner
 * loop walking memory contiguously.
 */
import type { Heap } from '../heap.ts';
import { checkGemmArgs } from './check.ts';
import type { Kernels } from './types.ts';
import { referenceOps } from './ops.ts';

export function createReferenceKernels(heap: Heap): Kernels {
  return {
    name: 'reference',
    ...referenceOps(heap),
    gemm(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate) {
      const f = heap.f32; // fetched per call: heap growth replaces the buffer
      checkGemmArgs(f.length, transA, transB, M, N, K, a, lda, b, ldb, c, ldc);
      // op(A)(i, k) is f[a + i * aRow + k * aCol], whichever way A is stored.
      const aRow = transA ? 1 : lda;
      const aCol = transA ? lda : 1;

      for (let i = 0; i < M; i++) {
        const ci = c + i * ldc;
        if (!accumulate) f.fill(0, ci, ci + N);

        if (!transB) {
          // i-k-j: C row i += A(i,k) · B row k, both rows contiguous.
          for (let k = 0; k < K; k++) {
            const aik = f[a + i * aRow + k * aCol];
            const bk = b + k * ldb;
            for (let j = 0; j < N; j++) f[ci + j] += aik * f[bk + j];
          }
        } else {
          // B stored N×K: column j of op(B) is the contiguous row j of B, so take dot products.
          for (let j = 0; j < N; j++) {
            const bj = b + j * ldb;
            let sum = 0;
            for (let k = 0; k < K; k++) sum += f[a + i * aRow + k * aCol] * f[bj + k];
            f[ci + j] += sum;
          }
        }
      }
    },
  };
}
