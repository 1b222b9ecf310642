/**
 * Runs batches across worker threads, the one pool the CLI (lib/cli/batch-executor.ts) and the
 * gateway (lambda/gateway/transfer-object.ts) share. Results come back in submission order (each
 * worker answers its own requests in order, batches go to the workers in turn, and callers await
 * them in the order submitted), which is how an output keeps its input's record order.
 *
 * A worker runs an entry file that calls `serveBatches`. A compiled entry (`.js`: the CLI's dist/,
 * a Lambda bundle) starts as it is. A TypeScript entry (tests, tsx) starts without the parent's
 * loader hooks, so the worker first bundles it with esbuild (~150 ms, kept for the next worker while
 * its files are unchanged) or, should esbuild be missing, registers tsx: both are required inside the
 * worker's own bootstrap script, so a Lambda bundle of this module never contains either.
 *
 * Fail closed: a worker that throws, crashes or exits rejects every batch it holds and every later
 * one, so a caller's run fails (never hangs); `close` terminates the workers.
 */
import { extname } from 'node:path';
import { parentPort, type ResourceLimits, Worker } from 'node:worker_threads';

export type BatchRequest = { readonly type: 'batch'; readonly bytes: Uint8Array } | { readonly type: 'summary' };
export type BatchReply<O, S> =
  | { readonly type: 'outcome'; readonly outcome: O }
  | { readonly type: 'summary'; readonly summary: S | undefined }
  | { readonly type: 'failed'; readonly message: string };

/** What a worker does: the same runner the caller would use in its own thread. */
export interface BatchRunner<O, S> {
  run(bytes: Uint8Array): O;
  /** What the runner gathered over every batch it ran (e.g. a scan inventory), merged by the caller. */
  summary(): S | undefined;
}

export interface BatchPool<O, S> {
  run(bytes: Uint8Array): Promise<O>;
  /** Each worker's summary, in worker order (workers whose runner has none are left out). */
  summaries(): Promise<S[]>;
  close(): Promise<void>;
}

/** A worker thread's side: answers the pool's requests, in the order they arrive, with `runner`. */
export function serveBatches<O, S>(runner: BatchRunner<O, S>, transferablesOf: (outcome: O) => ArrayBuffer[] = () => []): void {
  const port = parentPort;
  if (port === null) throw new Error('a batch worker entry must run in a worker thread');
  port.on('message', (request: BatchRequest) => {
    let reply: BatchReply<O, S>;
    try {
      reply = request.type === 'batch' ? { type: 'outcome', outcome: runner.run(request.bytes) } : { type: 'summary', summary: runner.summary() };
    } catch (err) {
      // The error's own message and stack: the runners never put record values in their errors.
      reply = { type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    port.postMessage(reply, reply.type === 'outcome' ? transferablesOf(reply.outcome) : []);
  });
}

/**
 * The bootstrap of a TypeScript entry: bundled in the worker by esbuild, or loaded through tsx.
 * A bundle is kept in the OS temp dir (`WORKER_BUNDLE_CACHE`) with the size and modification time of
 * every file esbuild read, and used again only while all of them are unchanged, so every worker after
 * the first starts without bundling (a test run starts ~180 workers: 78 s summed inside them, under
 * load, bundling the same files). A bundle is not kept when one of its files changed while it was made (a change mid-build).
 */
function typeScriptBootstrap(entry: string): string {
  return `
const entry = ${JSON.stringify(entry)};
const fs = require('node:fs');
const path = require('node:path');
function bundle() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return undefined;
  }
  const dir = path.join(require('node:os').tmpdir(), ${JSON.stringify(WORKER_BUNDLE_CACHE)});
  const id = require('node:crypto').createHash('sha256').update(esbuild.version + '\\0' + entry).digest('hex').slice(0, 32);
  const file = path.join(dir, id + '.json');
  try {
    const kept = JSON.parse(fs.readFileSync(file, 'utf8'));
    const unchanged = kept.inputs.every(([input, size, mtimeMs]) => {
      const stat = fs.statSync(input, { throwIfNoEntry: false });
      return stat !== undefined && stat.size === size && stat.mtimeMs === mtimeMs;
    });
    if (unchanged && kept.inputs.length > 0 && typeof kept.code === 'string') return kept.code;
  } catch {
    // none kept, or unreadable: bundle anew
  }
  const began = Date.now();
  let result;
  try {
    result = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent', metafile: true, absWorkingDir: process.cwd() });
  } catch {
    return undefined;
  }
  const code = result.outputFiles[0].text;
  try {
    const inputs = Object.keys(result.metafile.inputs).map((input) => {
      const absolute = path.resolve(process.cwd(), input);
      const stat = fs.statSync(absolute);
      return [absolute, stat.size, stat.mtimeMs];
    });
    if (inputs.every(([, , mtimeMs]) => mtimeMs < began - 1000)) {
      fs.mkdirSync(dir, { recursive: true });
      const partial = file + '.' + process.pid + '.' + require('node:worker_threads').threadId;
      fs.writeFileSync(partial, JSON.stringify({ entry, inputs, code }));
      fs.renameSync(partial, file);
    }
  } catch {
    // not kept (an input vanished, a read-only temp dir): the next worker bundles again
  }
  return code;
}
const code = bundle();
if (code === undefined) {
  require('tsx/cjs');
  require(entry);
} else {
  require('node:vm').runInThisContext('(function (exports, require, module, __filename, __dirname) {' + code + '\\n})', { filename: entry })(
    module.exports, require, module, entry, path.dirname(entry));
}
`;
}

/** The folder under the OS temp dir where TypeScript worker entries' bundles are kept. */
export const WORKER_BUNDLE_CACHE = 'payment-data-residency-worker-bundles';

function startWorker(entry: string, workerData: unknown, resourceLimits: ResourceLimits | undefined): Worker {
  const options = { workerData, ...(resourceLimits === undefined ? {} : { resourceLimits }) };
  if (extname(entry) === '.js') return new Worker(entry, options);
  return new Worker(typeScriptBootstrap(entry), { eval: true, ...options });
}

type Pending<O, S> = { resolve: (reply: BatchReply<O, S>) => void; reject: (err: Error) => void };

class PooledWorker<O, S> {
  private readonly worker: Worker;
  private readonly pending: Pending<O, S>[] = [];
  private failure: Error | undefined;
  private terminated: Promise<void> | undefined;
  private readonly onExit = (code: number): void => this.fail(new Error(`worker exited with code ${code}`));

  constructor(entry: string, workerData: unknown, resourceLimits: ResourceLimits | undefined) {
    this.worker = startWorker(entry, workerData, resourceLimits);
    this.worker.on('message', (reply: BatchReply<O, S>) => {
      const next = this.pending.shift();
      if (reply.type === 'failed') {
        // A failed batch fails the worker: its runner's state (a summary) would miss that batch.
        const err = new Error(`worker failed: ${reply.message}`);
        next?.reject(err);
        this.fail(err);
      } else next?.resolve(reply);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', this.onExit);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.splice(0)) waiting.reject(this.failure);
  }

  request(request: BatchRequest): Promise<BatchReply<O, S>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      if (request.type === 'batch') this.worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
      else this.worker.postMessage(request);
    });
  }

  /**
   * Stops the thread; every call resolves once it has stopped. Once only: a second `worker.terminate()`
   * would do no harm, but removing every 'exit' listener again (as this did) took the first call's own,
   * so an interrupted run's cleanup never settled and the CLI exited without its line.
   */
  terminate(): Promise<void> {
    this.terminated ??= (async () => {
      this.worker.off('exit', this.onExit);
      // A later request fails at once; the ones waiting stay unsettled (an interrupted CLI exits with its own code).
      this.failure ??= new Error('the worker pool was closed');
      await this.worker.terminate();
    })();
    return this.terminated;
  }
}

export interface BatchPoolOptions {
  /** The worker's entry file (it calls `serveBatches`): `.js` compiled, or `.ts`. */
  readonly entry: string;
  /** Handed to every worker as `workerData` (structured-cloned: plain data only). */
  readonly workerData: unknown;
  /** Worker threads, at least 1. */
  readonly workers: number;
  /**
   * Each worker's heap limits. A worker that needs more fails (ERR_WORKER_OUT_OF_MEMORY), and with it the run.
   * @default Node's own (sized from the machine's memory)
   */
  readonly resourceLimits?: ResourceLimits;
}

/** Starts `workers` threads on `entry`; each batch goes to the next worker in turn. */
export function batchPool<O, S>(options: BatchPoolOptions): BatchPool<O, S> {
  if (!Number.isSafeInteger(options.workers) || options.workers < 1) throw new Error(`a worker pool needs at least 1 worker, got ${options.workers}`);
  const workers = Array.from({ length: options.workers }, () => new PooledWorker<O, S>(options.entry, options.workerData, options.resourceLimits));
  let next = 0;
  return {
    run: async (bytes) => {
      const worker = workers[next];
      next = (next + 1) % workers.length;
      const reply = await worker.request({ type: 'batch', bytes });
      if (reply.type !== 'outcome') throw new Error(`worker answered a batch with "${reply.type}"`);
      return reply.outcome;
    },
    summaries: async () => {
      const replies = await Promise.all(workers.map((worker) => worker.request({ type: 'summary' })));
      return replies.flatMap((reply) => (reply.type === 'summary' && reply.summary !== undefined ? [reply.summary] : []));
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
