import { Worker } from 'node:worker_threads';
import type { AugmentOptions } from '../data/augment.ts';
import type { Dataset } from '../data/dataset.ts';
import type { InitScheme } from '../nn/layers/layer.ts';
import type { Network } from '../nn/network.ts';
import type { NetworkSpec } from '../nn/spec.ts';
import { LocalGradients } from './gradients.ts';

/**
 * Data-parallel gradients over threads: each batch is cut into parts, the main thread
 * computes the first and each worker (a replica of the network) one of the others; the
 * batch-mean gradient is their count-weighted average, exactly what one thread would get
 * (up to float rounding order). Coordination is through SharedArrayBuffers and Atomics,
 * so a step costs two parameter copies, not a message round trip.
 */

/** Control words in each worker's Int32Array. */
export const CTRL = { command: 0, done: 1, start: 2, count: 3, seed: 4, epoch: 5, length: 8 } as const;
export const COMMAND = { idle: 0, step: 1, stop: 2 } as const;

export interface WorkerSetup {
  spec: NetworkSpec;
  init: InitScheme;
  maxBatch: number;
  seed: number;
  augment: AugmentOptions | null;
  images: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  n: number;
  order: SharedArrayBuffer;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  loss: SharedArrayBuffer;
}

interface Replica {
  worker: Worker;
  ctrl: Int32Array;
  params: Float32Array;
  grads: Float32Array;
  loss: Float64Array;
}

function toShared<T extends Float32Array | Uint8Array | Uint32Array>(a: T): SharedArrayBuffer {
  if (a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return a.buffer;
  const sab = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(sab).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return sab;
}

export class ParallelGradients {
  private readonly local: LocalGradients;
  private readonly replicas: Replica[] = [];
  /** the shuffled order, shared with the workers */
  readonly order: Uint32Array;

  private constructor(
    private readonly net: Network,
    data: Dataset,
    augment: AugmentOptions | null,
    order: Uint32Array,
  ) {
    this.local = new LocalGradients(net, { images: data.images, labels: data.labels, n: data.n }, augment);
    this.order = order;
  }

  /** Starts `threads - 1` workers (the main thread is the first) and waits until they are ready. */
  static async start(net: Network, data: Dataset, augment: AugmentOptions | null, threads: number, init: InitScheme, seed: number): Promise<ParallelGradients> {
    const orderBuf = new SharedArrayBuffer(data.n * 4);
    const self = new ParallelGradients(net, data, augment, new Uint32Array(orderBuf));
    const images = toShared(data.images);
    const labels = toShared(data.labels);
    const bytes = net.paramCount * 4;
    await Promise.all(
      Array.from({ length: Math.max(0, threads - 1) }, async (_, i) => {
        const setup: WorkerSetup = {
          spec: net.spec,
          init,
          maxBatch: net.maxBatch,
          seed: seed + 1000 * (i + 1),
          augment,
          images,
          labels,
          n: data.n,
          order: orderBuf,
          params: new SharedArrayBuffer(bytes),
          grads: new SharedArrayBuffer(bytes),
          ctrl: new SharedArrayBuffer(CTRL.length * 4),
          loss: new SharedArrayBuffer(8),
        };
        const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: setup });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`training worker exited during start-up (code ${code})`)));
        });
        worker.removeAllListeners('exit');
        worker.removeAllListeners('error');
        // A worker failing mid-training must not hang the main thread in Atomics.wait forever.
        worker.on('error', () => undefined);
        self.replicas.push({
          worker,
          ctrl: new Int32Array(setup.ctrl),
          params: new Float32Array(setup.params),
          grads: new Float32Array(setup.grads),
          loss: new Float64Array(setup.loss),
        });
      }),
    );
    return self;
  }

  get threads(): number {
    return this.replicas.length + 1;
  }

  /** Mean gradient of order[start, start+count) into net.grads(); returns the summed loss. */
  compute(start: number, count: number, seed: number): number {
    const parts = this.threads;
    const base = Math.floor(count / parts);
    const mainCount = count - base * (parts - 1);
    // One thread, or too few samples to share: the local gradient is the batch mean already.
    if (base === 0 || parts === 1) return this.local.compute(this.order, start, count, seed);
    const params = this.net.params();
    this.replicas.forEach((r, i) => {
      r.params.set(params);
      r.ctrl[CTRL.start] = start + mainCount + i * base;
      r.ctrl[CTRL.count] = base;
      r.ctrl[CTRL.seed] = (seed + i + 1) | 0;
      Atomics.store(r.ctrl, CTRL.done, 0);
      Atomics.store(r.ctrl, CTRL.command, COMMAND.step);
      Atomics.notify(r.ctrl, CTRL.command);
    });
    let loss = this.local.compute(this.order, start, mainCount, seed);
    const grads = this.net.grads();
    // Each part's gradient is its own mean: weight by its share of the batch.
    const mainWeight = mainCount / count;
    for (let i = 0; i < grads.length; i++) grads[i] *= mainWeight;
    const w = base / count;
    for (const r of this.replicas) {
      while (Atomics.load(r.ctrl, CTRL.done) === 0) {
        if (Atomics.wait(r.ctrl, CTRL.done, 0, 30_000) === 'timed-out') throw new Error('a training worker stopped answering');
      }
      const g = r.grads;
      for (let i = 0; i < grads.length; i++) grads[i] += w * g[i];
      loss += r.loss[0];
    }
    return loss;
  }

  async close(): Promise<void> {
    for (const r of this.replicas) {
      Atomics.store(r.ctrl, CTRL.command, COMMAND.stop);
      Atomics.notify(r.ctrl, CTRL.command);
    }
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
    this.replicas.length = 0;
  }

  get localGradients(): LocalGradients {
    return this.local;
  }
}
