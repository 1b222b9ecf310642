/**
 * Closing a worker pool: every `close()` settles once the threads have stopped, however many callers
 * close it and in whatever order. An interrupted CLI closes the pool from its signal handler and again
 * from the command's own `finally`; the second close used to take the first one's 'exit' listener, so
 * the handler never got to say what was not written (the process just ended, code 130, no line).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchPool } from '../../../lambda/shared/batch-pool';

const POOL_MODULE = join(__dirname, '..', '..', '..', 'lambda', 'shared', 'batch-pool');
let dir: string;
let entry: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'batch-pool-'));
  entry = join(dir, 'entry.ts');
  // A batch whose first byte is 1 keeps its worker busy until terminated; any other one is answered.
  writeFileSync(
    entry,
    `import { serveBatches } from ${JSON.stringify(POOL_MODULE)};\n` +
      `serveBatches<number, never>({ run: (bytes) => { if (bytes[0] === 1) for (;;) {} return bytes.length; }, summary: () => undefined });\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `promise`, or 'hung' if it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms = 10_000): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

test('two closes while a batch is running: both settle, and the running batch stays unsettled', async () => {
  const pool = batchPool<number, never>({ entry, workerData: undefined, workers: 2 });
  expect(await pool.run(new Uint8Array(3))).toBe(3);
  let running: 'pending' | 'settled' = 'pending';
  void pool.run(Uint8Array.of(1)).then(
    () => (running = 'settled'),
    () => (running = 'settled'),
  );
  const first = pool.close();
  const second = pool.close();
  expect(await within(Promise.all([first, second]))).toEqual([undefined, undefined]);
  // A third close, after the threads are gone, settles too.
  expect(await within(pool.close())).toBeUndefined();
  expect(running).toBe('pending');
});

test('a batch asked of a closed pool fails at once, naming why', async () => {
  const pool = batchPool<number, never>({ entry, workerData: undefined, workers: 1 });
  await pool.close();
  await expect(within(pool.run(new Uint8Array(2)))).rejects.toThrow('the worker pool was closed');
});

test('a close racing a batch that was just sent: the close settles, twice over', async () => {
  const pool = batchPool<number, never>({ entry, workerData: undefined, workers: 1 });
  // The batch may be answered or cut off by the close (a cut-off one stays unsettled by design): not awaited.
  void pool.run(new Uint8Array(5)).catch(() => undefined);
  expect(await within(Promise.all([pool.close(), pool.close()]))).toEqual([undefined, undefined]);
});
