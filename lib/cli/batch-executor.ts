/**
 * Runs the CLI's batches in this thread or across worker threads (the pool the gateway uses too,
 * lambda/shared/batch-pool.ts). Results come back in submission order, which is how the output keeps
 * the input's record order. The built CLI (dist/) starts each worker on the compiled
 * `batch-worker.js`; run from TypeScript (tests, tsx), on `batch-worker.ts` (the pool bundles it).
 */
import { extname, join } from 'node:path';
import type { InventorySnapshot } from '../../lambda/core';
import { batchPool } from '../../lambda/shared/batch-pool';
import { createBatchRunner, type BatchOutcome, type BatchTask } from './batch-task';
import { whileLive } from './interrupt';

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
      const inventory = runner.summary();
      return inventory ? [inventory] : [];
    },
    close: async () => undefined,
  };
}

const WORKER_ENTRY = join(__dirname, `batch-worker${extname(__filename)}`);

export function workerExecutor(task: BatchTask, count: number): BatchExecutor {
  const pool = batchPool<BatchOutcome, InventorySnapshot>({ entry: WORKER_ENTRY, workerData: task, workers: count });
  // Interrupted, the workers stop at once.
  const settled = whileLive({ run: () => pool.close() });
  return {
    run: (bytes) => pool.run(bytes),
    inventories: () => pool.summaries(),
    close: async () => {
      settled();
      await pool.close();
    },
  };
}

export function batchExecutor(task: BatchTask, workers: number): BatchExecutor {
  return workers <= 1 ? inProcessExecutor(task) : workerExecutor(task, workers);
}
