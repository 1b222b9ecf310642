/**
 * Handing an object over to the split (split-object.ts): what the state machine is started with,
 * the gateway's split settings, and the time budget that stops a run which would not finish.
 */
import type { SplitPlan } from '../core/split-plan';
import type { SourceVersion } from './transfer-object';

/** What the split state machine is started with: the object, the cut, the rules and the instant rules are judged at. */
export interface SplitJob {
  readonly source: SourceVersion;
  readonly plan: SplitPlan;
  /** The rule versions the hand-over was made under (`id@version,…`); parts refuse to run under others. */
  readonly rules: string;
  /** When the hand-over was made: every part and the assembly judge rule activity at this instant. */
  readonly at: string;
}

export interface SplitSettings {
  /** Objects larger than this are split before anything is read; also the size of a part. */
  readonly objectBytes: number;
  /** The rule versions this gateway runs (`id@version,…`), recorded in the hand-over. */
  readonly rules: string;
  /**
   * Time kept for finishing (complete the uploads, declare, release) when the budget is judged.
   * @default RESERVE_MS
   */
  readonly reserveMs?: number;
}

/** Time the budget keeps for completing uploads, declaring and releasing after the last batch. */
export const RESERVE_MS = 60_000;

/** The run would not finish within the invocation's time: it stops between batches, before anything is complete. */
export class TimeBudgetExceeded extends Error {
  constructor(readonly bytesRead: number) {
    super(`stopped after ${bytesRead} bytes: the rest would not finish within the invocation's time`);
    this.name = 'TimeBudgetExceeded';
  }
}

/** Counts the bytes of the record batches handed on so far, and whether the last has been. */
export class ReadCounter {
  bytes = 0;
  done = false;
  async *count(batches: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const batch of batches) {
      this.bytes += batch.length;
      yield batch;
    }
    this.done = true;
  }
}

/**
 * The time budget, judged between batches: at the rate so far, would the rest of the object be
 * read before the invocation's remaining time, less the reserve for finishing, runs out? If not,
 * the run stops (TimeBudgetExceeded) before any output is complete.
 */
export function timeBudget(size: number, counter: ReadCounter, remainingMs: () => number, reserveMs: number): () => void {
  const started = Date.now();
  return () => {
    const left = size - counter.bytes;
    if (counter.done || left <= 0) return;
    const elapsed = Date.now() - started;
    const projected = counter.bytes > 0 ? (elapsed / counter.bytes) * left : 0;
    if (remainingMs() - reserveMs < projected) throw new TimeBudgetExceeded(counter.bytes);
  };
}
