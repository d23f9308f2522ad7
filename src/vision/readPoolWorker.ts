/** One worker of readPool.ts: loads the active model, says which, then reads the pictures it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import type { DigitClassifier } from '../model/classifier.ts';
import { loadActiveModel } from '../model/registry.ts';
import { readDigits } from './read.ts';
import { loadMorphologyKernels } from './morphologyWasm.ts';
import { ImageRejectedError } from './types.ts';
import type { VisionOptions } from './options.ts';
import type { WorkerReply, WorkerRequest } from './readPool.ts';

const { modelsDir, options } = workerData as { modelsDir: string; options: Partial<VisionOptions> };
const port = parentPort!;
const send = (m: WorkerReply): void => port.postMessage(m);
let classifier: DigitClassifier | null = null;

async function load(): Promise<void> {
  try {
    classifier = (await loadActiveModel(modelsDir)).classifier;
  } catch {
    // keep the model held before (if any): reads for another model run in the bot's thread
  }
  send({ model: classifier?.name ?? null });
}

port.on('message', (m: WorkerRequest) => {
  if ('reload' in m) {
    void load();
    return;
  }
  const held = classifier;
  if (!held) {
    send({ id: m.id, error: { message: 'The reader has no model loaded.', code: 'internal' } });
    return;
  }
  readDigits(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), held, options).then(
    (reading) => send({ id: m.id, reading }),
    (err: unknown) => {
      const e = err instanceof ImageRejectedError ? err : new ImageRejectedError(`Something went wrong while reading this picture (${String(err)}).`, 'internal');
      send({ id: m.id, error: { message: e.message, code: e.code } });
    },
  );
});
// the SIMD filters compile before the worker says it is ready: its first read is not the slow one
await loadMorphologyKernels();
await load();
