/**
 * Drives batches from a record source through an executor and hands each outcome, in input order,
 * to the caller with the line number its batch starts after. Keeps at most two batches per worker
 * in flight, which bounds memory whatever the file size.
 *
 * With the default `--workers` (`oneBatchInThread`), the threads start only once a second batch is
 * read: an input of one batch (up to BATCH_BYTES: most interactive runs, every README example) has
 * nothing to share out, and starting the workers cost more than the batch (`scan` of 200 records:
 * 0.36 s and 0.51 CPU-s with two workers, 0.19 s and 0.23 CPU-s in this thread). The batch is run by
 * the same runner either way, so the output is the same. A count given with `--workers` is used as given.
 */
import { runOrdered } from '../../lambda/core/batch-stream';
import { batchExecutor, type BatchExecutor } from './batch-executor';
import type { BatchOutcome, BatchTask } from './batch-task';
import type { RecordSource } from './record-chunks';

export interface PipelineOptions {
  readonly source: RecordSource;
  readonly task: BatchTask;
  readonly workers: number;
  /**
   * Run an input of one batch in this thread, whatever `workers` says (the default `--workers`).
   * @default false
   */
  readonly oneBatchInThread?: boolean;
  /**
   * Starts the executor, with 1 (this thread) or more workers, when the first batch is run.
   * @default batchExecutor
   */
  readonly startExecutor?: (task: BatchTask, workers: number) => BatchExecutor;
  /** Called in input order; `linesBefore` is the number of physical lines before this batch. */
  readonly onOutcome: (outcome: BatchOutcome, linesBefore: number) => Promise<void> | void;
  readonly onProgress?: (bytesRead: number) => void;
}

function linesOf(outcome: BatchOutcome): number {
  return outcome.kind === 'scan' ? outcome.lines : outcome.batch.lines;
}

/**
 * The batches, read one ahead at the start: `decide` learns whether there is at most one batch before
 * the first is handed on. Closing early closes the source's iterator, as reading it directly would.
 */
async function* deciding(batches: AsyncIterable<Uint8Array>, decide: (atMostOne: boolean) => void): AsyncGenerator<Uint8Array> {
  const iterator = batches[Symbol.asyncIterator]();
  let finished = false;
  try {
    const first = await iterator.next();
    if (first.done === true) {
      finished = true;
      decide(true);
      return;
    }
    const second = await iterator.next();
    finished = second.done === true;
    decide(finished);
    yield first.value;
    if (finished) return;
    yield second.value;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

/** Runs the pipeline; returns the executor's scan inventories (empty for desensitize). */
export async function runPipeline(options: PipelineOptions): Promise<ReturnType<BatchExecutor['inventories']>> {
  const { source, task, workers, onOutcome, onProgress } = options;
  let threads = workers;
  let executor: BatchExecutor | undefined;
  const start = options.startExecutor ?? batchExecutor;
  const started = (): BatchExecutor => (executor ??= start(task, threads));
  const batches = options.oneBatchInThread === true && workers > 1 ? deciding(source.batches, (atMostOne) => (threads = atMostOne ? 1 : workers)) : source.batches;
  let linesBefore = source.headerLines;
  try {
    // The streaming loop the gateway runs too (lambda/core/batch-stream.ts), with worker threads under it.
    await runOrdered({
      batches,
      run: (bytes) => started().run(bytes),
      inFlight: Math.max(2, workers * 2),
      onOutcome: async (outcome) => {
        await onOutcome(outcome, linesBefore);
        linesBefore += linesOf(outcome);
        onProgress?.(source.bytesRead());
      },
    });
    return await started().inventories();
  } finally {
    await executor?.close();
  }
}
