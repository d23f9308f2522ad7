/**
 * readDigits in worker threads (issue 14, opt-in: READ_WORKERS): decode's JavaScript glue and the
 * synchronous analyse + classify then run off the bot's event loop. A classifier cannot cross
 * threads, so each worker loads the active model of `modelsDir` itself and says which one it holds;
 * a read goes to a worker holding the caller's model (by name), else it runs in the calling thread
 * while the workers reload the active model (after a hot swap). Same code, same answers. A worker
 * that dies fails its reads with an 'internal' rejection and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { DigitClassifier } from '../model/classifier.ts';
import { readDigits } from './read.ts';
import { ImageRejectedError, type Reading, type RejectionCode } from './types.ts';
import type { VisionOptions } from './options.ts';

/** What a worker posts: the model it holds (after loading), or the outcome of one read. */
export type WorkerReply =
  | { model: string | null }
  | { id: number; reading: Reading }
  | { id: number; error: { message: string; code: RejectionCode } };

/** What a worker is sent: a picture to read, or "load the active model again". */
export type WorkerRequest = { id: number; bytes: Uint8Array } | { reload: true };

export interface ReadPool {
  read(bytes: Buffer, classifier: DigitClassifier): Promise<Reading>;
  /** Resolves once no worker is (re)loading: each has said which model it holds (or died). */
  ready(): Promise<void>;
  /** Reads served so far by the workers and in the calling thread. */
  readonly served: { workers: number; here: number };
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  /** the model it holds; null while (re)loading */
  model: string | null;
  /** settles when the worker next says which model it holds (or exits) */
  loaded: Promise<void>;
  settle: () => void;
  inFlight: Map<number, { resolve: (r: Reading) => void; reject: (e: Error) => void }>;
}

export function createReadPool(size: number, modelsDir: string, options: Partial<VisionOptions>): ReadPool {
  // tsx's loader hooks do not reach worker threads on Node 20: each worker registers them first.
  const boot =
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./readPoolWorker.ts', import.meta.url).href)}); })`;
  let closing = false;
  let nextId = 0;
  const slots: Slot[] = [];
  const served = { workers: 0, here: 0 };
  const loading = (slot: Pick<Slot, 'loaded' | 'settle'>): void => {
    slot.loaded = new Promise<void>((resolve) => (slot.settle = resolve));
  };
  const start = (i: number): void => {
    const worker = new Worker(boot, { eval: true, workerData: { modelsDir, options } });
    const slot: Slot = { worker, model: null, loaded: Promise.resolve(), settle: () => {}, inFlight: new Map() };
    loading(slot);
    slots[i] = slot;
    worker.on('message', (m: WorkerReply) => {
      if ('model' in m) {
        slot.model = m.model;
        slot.settle();
        return;
      }
      const p = slot.inFlight.get(m.id);
      slot.inFlight.delete(m.id);
      if ('reading' in m) p?.resolve(m.reading);
      else p?.reject(new ImageRejectedError(m.error.message, m.error.code));
    });
    const died = (why: string): void => {
      if (slots[i] !== slot) return;
      slot.settle();
      for (const p of slot.inFlight.values()) p.reject(new ImageRejectedError(`The reader stopped while reading this picture (${why}).`, 'internal'));
      slot.inFlight.clear();
      if (!closing) start(i);
    };
    slot.worker.on('error', (err) => died(err.message));
    slot.worker.on('exit', (code) => died(`exit code ${code}`));
  };
  for (let i = 0; i < size; i++) start(i);
  return {
    read(bytes, classifier) {
      let best: Slot | undefined;
      for (const s of slots) if (s.model === classifier.name && (!best || s.inFlight.size < best.inFlight.size)) best = s;
      if (!best) {
        // not loaded yet, or they hold another model (a hot swap): reload, and read here meanwhile
        for (const s of slots) {
          if (s.model !== null && s.model !== classifier.name) {
            s.model = null;
            loading(s);
            s.worker.postMessage({ reload: true } satisfies WorkerRequest);
          }
        }
        served.here++;
        return readDigits(bytes, classifier, options);
      }
      served.workers++;
      const slot = best;
      const id = nextId++;
      return new Promise<Reading>((resolve, reject) => {
        slot.inFlight.set(id, { resolve, reject });
        slot.worker.postMessage({ id, bytes } satisfies WorkerRequest);
      });
    },
    ready: async () => {
      await Promise.all(slots.map((s) => s.loaded));
    },
    served,
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
