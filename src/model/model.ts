import type { DigitClassifier } from './classifier.ts';
import type { ModelManifest } from './manifest.ts';
import type { Network } from '../nn/network.ts';
import { describeSpec } from '../nn/spec.ts';

/** A network with its manifest: what scripts, the bot and the registry pass around. */
export class Model implements DigitClassifier {
  constructor(
    readonly manifest: ModelManifest,
    readonly network: Network,
  ) {}

  get name(): string {
    return this.manifest.name;
  }

  /** what each output means: the ten digits, then "none" for an 11-class model */
  get classes(): readonly string[] {
    return this.manifest.classes;
  }

  get architecture(): string {
    return describeSpec(this.manifest.network);
  }

  predictProbs(images: Float32Array, n: number): Float32Array {
    return this.network.predictProbs(images, n);
  }
}
