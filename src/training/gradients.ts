import { Augmenter, type AugmentOptions } from '../data/augment.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Network } from '../nn/network.ts';
import { Rng } from '../nn/rng.ts';

/**
 * Computes a batch's mean gradient on one network: gathers the samples in shuffled order,
 * distorts them when augmenting (with a generator seeded per step and part, so runs repeat),
 * then forward and backward. Both the main thread and each worker run one of these.
 */
export class LocalGradients {
  private readonly gathered: Float32Array;
  private readonly transformed: Float32Array;
  private readonly labels: Uint8Array;
  private readonly augmenter: Augmenter | null;

  constructor(
    readonly net: Network,
    private readonly data: Dataset,
    augment: AugmentOptions | null,
  ) {
    this.gathered = new Float32Array(net.maxBatch * net.inSize);
    this.transformed = new Float32Array(net.maxBatch * net.inSize);
    this.labels = new Uint8Array(net.maxBatch);
    this.augmenter = augment ? new Augmenter(augment) : null;
  }

  /** Leaves the mean gradient of samples order[start, start+count) in net.grads(); returns the summed loss. */
  compute(order: Uint32Array, start: number, count: number, seed: number): number {
    const { net, data } = this;
    const px = net.inSize;
    for (let b = 0; b < count; b++) this.labels[b] = data.labels[order[start + b]];
    if (this.augmenter) {
      for (let b = 0; b < count; b++) {
        const src = order[start + b] * px;
        this.gathered.set(data.images.subarray(src, src + px), b * px);
      }
      this.augmenter.batch(this.gathered, this.transformed, count, new Rng(seed));
      net.loadInput(this.transformed, 0, count);
    } else {
      net.loadInput(data.images, start, count, order);
    }
    return net.forwardBackward(count, this.labels, 0);
  }
}
