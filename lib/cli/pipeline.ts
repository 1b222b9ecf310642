/**
 * Drives batches from a record source through an executor and hands each outcome, in input order,
 * to the caller with the line number its batch starts after. Keeps at most two batches per worker
 * in flight, which bounds memory whatever the file size.
 */
import { batchExecutor, type BatchExecutor } from './batch-executor';
import type { BatchOutcome, BatchTask } from './batch-task';
import type { RecordSource } from './record-chunks';

type Settled = { readonly ok: true; readonly outcome: BatchOutcome } | { readonly ok: false; readonly error: unknown };

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
  const inFlight: Promise<Settled>[] = [];
  const limit = Math.max(2, workers * 2);
  let linesBefore = source.headerLines;

  const settleOldest = async (): Promise<void> => {
    const settled = await (inFlight.shift() as Promise<Settled>);
    if (!settled.ok) throw settled.error;
    await onOutcome(settled.outcome, linesBefore);
    linesBefore += linesOf(settled.outcome);
    onProgress?.(source.bytesRead());
  };

  try {
    for await (const bytes of source.batches) {
      // A handler is attached at once, so a failing batch is never an unhandled rejection while older ones settle.
      inFlight.push(executor.run(bytes).then((outcome): Settled => ({ ok: true, outcome }), (error: unknown): Settled => ({ ok: false, error })));
      while (inFlight.length >= limit) await settleOldest();
    }
    while (inFlight.length > 0) await settleOldest();
    return await executor.inventories();
  } finally {
    await executor.close();
  }
}
