/**
 * Plain TypeScript versions of every non-GEMM kernel: the definitions ops.wat is tested
 * against, and the fallback where WebAssembly SIMD is unavailable. Clarity first.
 * The heap's Float32Array is fetched per call: growth replaces the buffer.
 */
import type { Heap } from '../heap.ts';
import type { Kernels } from './types.ts';

export type Ops = Omit<Kernels, 'name' | 'gemm'>;

export function referenceOps(heap: Heap): Ops {
  const ints = (): Int32Array => new Int32Array(heap.memory.buffer);
  return {
    sgdUpdate(p, g, vel, n, lr, decay, momentum) {
      const f = heap.f32;
      if (vel === 0 || momentum === 0) {
        for (let i = 0; i < n; i++) f[p + i] -= lr * (f[g + i] + decay * f[p + i]);
        return;
      }
      for (let i = 0; i < n; i++) {
        const v = momentum * f[vel + i] - lr * (f[g + i] + decay * f[p + i]);
        f[vel + i] = v;
        f[p + i] += v;
      }
    },

    adamUpdate(p, g, m, v, n, stepSize, beta1, beta2, epsilon, decay) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) {
        const gi = f[g + i] + decay * f[p + i];
        const mi = (f[m + i] = beta1 * f[m + i] + (1 - beta1) * gi);
        const vi = (f[v + i] = beta2 * f[v + i] + (1 - beta2) * gi * gi);
        f[p + i] -= (stepSize * mi) / (Math.sqrt(vi) + epsilon);
      }
    },

    biasRows(y, bias, rows, n) {
      const f = heap.f32;
      for (let r = 0; r < rows; r++) f.copyWithin(y + r * n, bias, bias + n);
    },

    columnSums(dst, src, rows, n) {
      const f = heap.f32;
      f.fill(0, dst, dst + n);
      for (let r = 0; r < rows; r++) {
        const row = src + r * n;
        for (let j = 0; j < n; j++) f[dst + j] += f[row + j];
      }
    },

    activationForward(kind, x, y, n) {
      activationForwardJs(heap.f32, kind, x, y, n);
    },

    activationBackward(kind, y, dy, dx, n) {
      const f = heap.f32;
      switch (kind) {
        case 'relu':
          for (let i = 0; i < n; i++) f[dx + i] = f[y + i] > 0 ? f[dy + i] : 0;
          break;
        case 'sigmoid':
          for (let i = 0; i < n; i++) {
            const s = f[y + i];
            f[dx + i] = f[dy + i] * s * (1 - s);
          }
          break;
        case 'tanh':
          for (let i = 0; i < n; i++) {
            const t = f[y + i];
            f[dx + i] = f[dy + i] * (1 - t * t);
          }
          break;
      }
    },

    multiply(a, b, out, n) {
      const f = heap.f32;
      for (let i = 0; i < n; i++) f[out + i] = f[a + i] * f[b + i];
    },

    maxpoolForward(x, y, argmax, g, batch) {
      const f = heap.f32;
      const arg = ints();
      const { H, W, C, size: p, stride: s, OH, OW } = g;
      let o = 0;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            const win = ((b * H + oy * s) * W + ox * s) * C; // offset from x, channel 0
            for (let c = 0; c < C; c++, o++) {
              let bestAt = win + c;
              let best = f[x + bestAt];
              for (let ky = 0; ky < p; ky++) {
                for (let kx = 0; kx < p; kx++) {
                  const at = win + (ky * W + kx) * C + c;
                  if (f[x + at] > best) {
                    best = f[x + at];
                    bestAt = at;
                  }
                }
              }
              f[y + o] = best;
              arg[argmax + o] = bestAt;
            }
          }
        }
      }
    },

    maxpoolBackward(dy, dx, argmax, outCount, inCount) {
      const f = heap.f32;
      const arg = ints();
      f.fill(0, dx, dx + inCount);
      for (let o = 0; o < outCount; o++) f[dx + arg[argmax + o]] += f[dy + o];
    },

    im2row(x, rows, g, batch) {
      const f = heap.f32;
      const { H, W, C, kernel: k, stride: s, pad, OH, OW } = g;
      let o = rows;
      for (let b = 0; b < batch; b++) {
        const img = x + b * H * W * C;
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            for (let ky = 0; ky < k; ky++) {
              const iy = oy * s + ky - pad;
              for (let kx = 0; kx < k; kx++, o += C) {
                const ix = ox * s + kx - pad;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) f.fill(0, o, o + C);
                else f.copyWithin(o, img + (iy * W + ix) * C, img + (iy * W + ix + 1) * C);
              }
            }
          }
        }
      }
    },

    row2im(rows, dx, g, batch) {
      const f = heap.f32;
      const { H, W, C, kernel: k, stride: s, pad, OH, OW } = g;
      f.fill(0, dx, dx + batch * H * W * C);
      let o = rows;
      for (let b = 0; b < batch; b++) {
        const img = dx + b * H * W * C;
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            for (let ky = 0; ky < k; ky++) {
              const iy = oy * s + ky - pad;
              for (let kx = 0; kx < k; kx++, o += C) {
                const ix = ox * s + kx - pad;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                const at = img + (iy * W + ix) * C;
                for (let c = 0; c < C; c++) f[at + c] += f[o + c];
              }
            }
          }
        }
      }
    },
  };
}

/** Sigmoid, tanh and ReLU in TypeScript; the SIMD kernels use it for sigmoid and tanh too. */
export function activationForwardJs(f: Float32Array, kind: 'relu' | 'sigmoid' | 'tanh', x: number, y: number, n: number): void {
  switch (kind) {
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = f[x + i];
        f[y + i] = v > 0 ? v : 0;
      }
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) f[y + i] = 1 / (1 + Math.exp(-f[x + i]));
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) f[y + i] = Math.tanh(f[x + i]);
      break;
  }
}
