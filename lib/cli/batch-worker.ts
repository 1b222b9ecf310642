/**
 * Worker-thread entry: runs the CLI's batches for the main thread, in the order they arrive. Loaded
 * by `batch-executor.ts` through the shared pool; never imported elsewhere.
 */
import { workerData } from 'node:worker_threads';
import { serveBatches } from '../../lambda/shared/batch-pool';
import { createBatchRunner, type BatchOutcome, type BatchTask } from './batch-task';

// The output bytes are transferred, not copied.
serveBatches(createBatchRunner(workerData as BatchTask), (outcome: BatchOutcome) => (outcome.kind === 'desensitize' ? [outcome.output.buffer as ArrayBuffer] : []));
