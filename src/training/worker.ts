import { parentPort, workerData } from 'node:worker_threads';
import { createKernelsSync, initKernels } from '../nn/kernels/index.ts';
import { Network } from '../nn/network.ts';
import { LocalGradients } from './gradients.ts';
import { COMMAND, CTRL, type WorkerSetup } from './parallel.ts';

/** One replica of the network computing its part of each batch, driven through Atomics. */
const setup = workerData as WorkerSetup;
await initKernels();
const net = new Network(setup.spec, { kernels: (h) => createKernelsSync(h), maxBatch: setup.maxBatch, trainable: true, seed: setup.seed, init: setup.init });
const data = { images: new Float32Array(setup.images), labels: new Uint8Array(setup.labels), n: setup.n };
const local = new LocalGradients(net, data, setup.augment);
const order = new Uint32Array(setup.order);
const ctrl = new Int32Array(setup.ctrl);
const params = new Float32Array(setup.params);
const grads = new Float32Array(setup.grads);
const loss = new Float64Array(setup.loss);
parentPort!.postMessage('ready');

for (;;) {
  Atomics.wait(ctrl, CTRL.command, COMMAND.idle);
  const command = Atomics.load(ctrl, CTRL.command);
  if (command === COMMAND.stop) break;
  net.setParams(params);
  loss[0] = local.compute(order, ctrl[CTRL.start], ctrl[CTRL.count], ctrl[CTRL.seed]);
  grads.set(net.grads());
  Atomics.store(ctrl, CTRL.command, COMMAND.idle);
  Atomics.store(ctrl, CTRL.done, 1);
  Atomics.notify(ctrl, CTRL.done);
}
