import { size, type Layer, type Shape } from './layer.ts';

/** (H, W, C) → (H·W·C). Batches are already contiguous, so this only renames the shape. */
export class Flatten implements Layer {
  readonly type = 'flatten';
  readonly paramCount = 0;
  readonly decay = [];
  readonly outShape: Shape;

  constructor(readonly inShape: Shape) {
    this.outShape = [size(inShape)];
  }

  bind(): void {}
  init(): void {}

  forward(x: number): number {
    return x;
  }

  backward(dy: number, _batch: number, needInputGrad: boolean): number {
    return needInputGrad ? dy : 0;
  }

  spec() {
    return { type: 'flatten' as const };
  }
}
