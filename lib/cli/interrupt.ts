/**
 * Clean interruption (Ctrl-C, SIGTERM): what a command must undo when it is stopped half-way (output
 * files not yet complete, worker threads, a progress bar) registers here while it is live; the
 * launcher's signal handler runs it all, says in one line what was not written, and exits 130.
 */

/** 128 + SIGINT, what a shell reports for a command stopped with Ctrl-C. */
export const INTERRUPTED = 130;

export interface Cleanup {
  /** The output file this cleanup leaves unwritten, if any (named in the interruption's line). */
  readonly unwritten?: string;
  run(): void | Promise<void>;
}

const live = new Set<Cleanup>();
let interrupted = false;

/** Registers `cleanup` until the returned function is called (the work finished or was undone otherwise). */
export function whileLive(cleanup: Cleanup): () => void {
  if (interrupted) {
    // Started while the interruption is being handled: undone at once.
    void Promise.resolve().then(() => cleanup.run()).catch(() => undefined);
    return () => undefined;
  }
  live.add(cleanup);
  return () => {
    live.delete(cleanup);
  };
}

export function wasInterrupted(): boolean {
  return interrupted;
}

/** Runs every live cleanup (each at most once); resolves with the outputs left unwritten. */
export async function interruptAll(): Promise<string[]> {
  interrupted = true;
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map(async (cleanup) => cleanup.run()));
  return all.flatMap((cleanup) => (cleanup.unwritten === undefined ? [] : [cleanup.unwritten]));
}
