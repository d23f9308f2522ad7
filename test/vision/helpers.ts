/** Shared helpers for the vision tests: a stand-in classifier and a decode → analyse shortcut. */
import type { DigitClassifier } from '../../src/model/classifier.ts';
import { decodeImage } from '../../src/vision/decode.ts';
import { analyse, type Analysis } from '../../src/vision/pipeline.ts';
import { resolveOptions, type VisionOptions } from '../../src/vision/options.ts';

/** Always answers `digit` with probability `p` (rest spread evenly): geometry tests need no model. */
export function fakeClassifier(digit = 3, p = 0.97): DigitClassifier & { calls: number; seen: number } {
  return {
    name: 'fake',
    calls: 0,
    seen: 0,
    predictProbs(images: Float32Array, n: number): Float32Array {
      this.calls++;
      this.seen += n;
      if (images.length !== n * 784) throw new Error('bad batch shape');
      const out = new Float32Array(n * 10).fill((1 - p) / 9);
      for (let i = 0; i < n; i++) out[i * 10 + digit] = p;
      return out;
    },
  };
}

export async function analyseBytes(bytes: Buffer, options: Partial<VisionOptions> = {}): Promise<Analysis> {
  const opts = resolveOptions(options);
  const decoded = await decodeImage(bytes, opts);
  return analyse(decoded.image, opts);
}
