/**
 * Worker-thread entry: runs batches for the main thread, in the order they arrive. Loaded by
 * `batch-executor.ts`; never imported elsewhere.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../lambda/core/errors';
import { createBatchRunner, type BatchTask } from './batch-task';
import type { WorkerReply, WorkerRequest } from './batch-executor';

const port = parentPort;
if (port === null) throw new Error('batch-worker.ts must run in a worker thread');
const runner = createBatchRunner(workerData as BatchTask);

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = request.type === 'batch' ? { type: 'outcome', outcome: runner.run(request.bytes) } : { type: 'inventory', inventory: runner.inventory() };
  } catch (err) {
    reply = { type: 'failed', message: err instanceof Error && err.stack !== undefined ? err.stack : errorMessage(err) };
  }
  const transfer = reply.type === 'outcome' && reply.outcome.kind === 'desensitize' ? [reply.outcome.output.buffer as ArrayBuffer] : [];
  port.postMessage(reply, transfer);
});
