/**
 * Drives batches from a record source through an executor and hands each outcome, in input order,
 * to the caller with the line number its batch starts after. Keeps at most two batches per worker
 * in flight, which bounds memory whatever the file size.
 */
import { runOrdered } from '../../lambda/core/batch-stream';
import { batchExecutor, type BatchExecutor } from './batch-executor';
import type { BatchOutcome, BatchTask } from './batch-task';
import type { RecordSource } from './record-chunks';

export interface PipelineOptions {
  readonly source: RecordSource;
  readonly task: BatchTask;
  readonly workers: number;
  /** Called in input order; `linesBefore` is the number of physical lines before this batch. */
  readonly onOutcome: (outcome: BatchOutcome, linesBefore: number) => Promise<void> | void;
  readonly onProgress?: (bytesRead: number) => void;
}

function linesOf(outcome: BatchOutcome): number {
  return outcome.kind === 'scan' ? outcome.lines : outcome.batch.lines;
}

/** Runs the pipeline; returns the executor's scan inventories (empty for desensitize). */
export async function runPipeline(options: PipelineOptions): Promise<ReturnType<BatchExecutor['inventories']>> {
  const { source, task, workers, onOutcome, onProgress } = options;
  const executor = batchExecutor(task, workers);
  let linesBefore = source.headerLines;
  try {
    // The streaming loop the gateway runs too (lambda/core/batch-stream.ts), with worker threads under it.
    await runOrdered({
      batches: source.batches,
      run: (bytes) => executor.run(bytes),
      inFlight: Math.max(2, workers * 2),
      onOutcome: async (outcome) => {
        await onOutcome(outcome, linesBefore);
        linesBefore += linesOf(outcome);
        onProgress?.(source.bytesRead());
      },
    });
    return await executor.inventories();
  } finally {
    await executor.close();
  }
}
