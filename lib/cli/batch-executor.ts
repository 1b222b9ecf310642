/**
 * Runs batches in this thread or across worker threads. Results come back in submission order
 * (each worker answers its own requests in order, and callers await them in the order submitted),
 * which is how the output keeps the input's record order.
 *
 * The built CLI (dist/) starts each worker on the compiled `batch-worker.js`. Run from TypeScript
 * (tests, tsx), a worker thread starts without the parent's loader hooks, so the worker entry is
 * bundled in memory with esbuild (~25 ms) and each worker evaluates that one script; should esbuild
 * fail, a bootstrap registers tsx in the worker instead. esbuild is loaded only then.
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InventorySnapshot } from '../../lambda/core';
import { createBatchRunner, type BatchOutcome, type BatchTask } from './batch-task';
import { whileLive } from './interrupt';

export type WorkerRequest = { readonly type: 'batch'; readonly bytes: Uint8Array } | { readonly type: 'inventory' };
export type WorkerReply =
  | { readonly type: 'outcome'; readonly outcome: BatchOutcome }
  | { readonly type: 'inventory'; readonly inventory: InventorySnapshot | undefined }
  | { readonly type: 'failed'; readonly message: string };

export interface BatchExecutor {
  run(bytes: Uint8Array): Promise<BatchOutcome>;
  /** Each runner's scan inventory (empty for desensitize). */
  inventories(): Promise<InventorySnapshot[]>;
  close(): Promise<void>;
}

export function inProcessExecutor(task: BatchTask): BatchExecutor {
  const runner = createBatchRunner(task);
  return {
    run: async (bytes) => runner.run(bytes),
    inventories: async () => {
      const inventory = runner.inventory();
      return inventory ? [inventory] : [];
    },
    close: async () => undefined,
  };
}

const WORKER_ENTRY = join(__dirname, `batch-worker${extname(__filename)}`);

let workerScript: string | undefined;

/** The worker's code as one script: bundled once per process, or a tsx bootstrap if bundling fails. */
function workerSource(): string {
  if (workerScript === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- only TypeScript runs need the bundler
      const { buildSync } = require('esbuild') as typeof import('esbuild');
      const bundle = buildSync({ entryPoints: [WORKER_ENTRY], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
      workerScript = bundle.outputFiles[0].text;
    } catch {
      workerScript = `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(WORKER_ENTRY)});`;
    }
  }
  return workerScript;
}

function startWorker(task: BatchTask): Worker {
  if (extname(WORKER_ENTRY) === '.js') return new Worker(WORKER_ENTRY, { workerData: task });
  return new Worker(workerSource(), { eval: true, workerData: task });
}

type Pending = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };

class BatchWorker {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  constructor(task: BatchTask) {
    this.worker = startWorker(task);
    this.worker.on('message', (reply: WorkerReply) => {
      const next = this.pending.shift();
      if (reply.type === 'failed') next?.reject(new Error(`worker failed: ${reply.message}`));
      else next?.resolve(reply);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`worker exited with code ${code}`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.splice(0)) waiting.reject(err);
  }

  request(request: WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      if (request.type === 'batch') this.worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
      else this.worker.postMessage(request);
    });
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

export function workerExecutor(task: BatchTask, count: number): BatchExecutor {
  const workers = Array.from({ length: count }, () => new BatchWorker(task));
  const stopAll = async (): Promise<void> => {
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
  // Interrupted, the workers stop at once.
  const settled = whileLive({ run: stopAll });
  let next = 0;
  return {
    run: async (bytes) => {
      const worker = workers[next];
      next = (next + 1) % workers.length;
      const reply = await worker.request({ type: 'batch', bytes });
      if (reply.type !== 'outcome') throw new Error(`worker answered a batch with "${reply.type}"`);
      return reply.outcome;
    },
    inventories: async () => {
      const replies = await Promise.all(workers.map((worker) => worker.request({ type: 'inventory' })));
      return replies.flatMap((reply) => (reply.type === 'inventory' && reply.inventory ? [reply.inventory] : []));
    },
    close: async () => {
      settled();
      await stopAll();
    },
  };
}

export function batchExecutor(task: BatchTask, workers: number): BatchExecutor {
  return workers <= 1 ? inProcessExecutor(task) : workerExecutor(task, workers);
}
