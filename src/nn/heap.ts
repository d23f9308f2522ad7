/**
 * One growable float32 heap per network, backed by WebAssembly.Memory so that SIMD kernels
 * operate on tensors in place. Pointers are float32 indices. Growing the memory detaches old
 * views, so code must fetch `heap.f32` again after any allocation instead of caching it.
 */
const PAGE_BYTES = 65536;

export class Heap {
  readonly memory: WebAssembly.Memory;
  private top: number;
  private view: Float32Array;

  constructor(initialBytes = 16 * PAGE_BYTES) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE_BYTES), maximum: 65536 });
    this.view = new Float32Array(this.memory.buffer);
    // Pointer 0 is reserved so that a zero pointer is never a valid tensor.
    this.top = 16;
  }

  /** The whole heap as floats; re-fetch after any alloc (growth replaces the buffer). */
  get f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Allocates `n` zeroed floats aligned to 16 bytes and returns their pointer. */
  alloc(n: number): number {
    const ptr = (this.top + 3) & ~3;
    const end = ptr + Math.max(0, n);
    const needBytes = end * 4;
    if (needBytes > this.memory.buffer.byteLength) {
      const pages = Math.ceil((needBytes - this.memory.buffer.byteLength) / PAGE_BYTES);
      this.memory.grow(Math.max(pages, this.memory.buffer.byteLength / PAGE_BYTES / 2) | 0);
    }
    this.top = end;
    this.f32.fill(0, ptr, end);
    return ptr;
  }

  /** A view of `n` floats at `ptr`; valid until the next alloc. */
  view32(ptr: number, n: number): Float32Array {
    return this.f32.subarray(ptr, ptr + n);
  }

  get usedFloats(): number {
    return this.top;
  }
}
