/**
 * A TypeScript worker entry is bundled once and the bundle kept for the next worker
 * (lambda/shared/batch-pool.ts), but never used once a file it was made from changed: a stale
 * bundle would run yesterday's code in today's test.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchPool, WORKER_BUNDLE_CACHE } from '../../../lambda/shared/batch-pool';

const POOL_MODULE = join(__dirname, '..', '..', '..', 'lambda', 'shared', 'batch-pool');
let dir: string;
let entry: string;
let answer: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'worker-bundle-'));
  entry = join(dir, 'entry.ts');
  answer = join(dir, 'answer.ts');
  writeFileSync(
    entry,
    `import { serveBatches } from ${JSON.stringify(POOL_MODULE)};\nimport { answer } from './answer';\nserveBatches<string, never>({ run: () => answer, summary: () => undefined });\n`,
  );
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  const kept = keptFile();
  if (kept !== undefined) rmSync(kept, { force: true });
});

/** Writes a file as if it was last changed `minutesAgo` (a bundle is kept only of files not changing now). */
function writeAged(file: string, text: string, minutesAgo: number): void {
  writeFileSync(file, text);
  const when = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(file, when, when);
}

/** What one worker on the entry answers. */
async function ask(): Promise<string> {
  const pool = batchPool<string, never>({ entry, workerData: undefined, workers: 1 });
  try {
    return await pool.run(new Uint8Array(1));
  } finally {
    await pool.close();
  }
}

/** The kept bundle of this test's entry, if any. */
function keptFile(): string | undefined {
  const cache = join(tmpdir(), WORKER_BUNDLE_CACHE);
  let names: string[];
  try {
    names = readdirSync(cache).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  return names
    .map((name) => join(cache, name))
    .find((file) => {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { entry?: string }).entry === entry;
      } catch {
        return readFileSync(file, 'utf8').includes(JSON.stringify(entry));
      }
    });
}

test('the next worker runs the kept bundle (not a new one) while its files are unchanged', async () => {
  writeAged(entry, readFileSync(entry, 'utf8'), 60);
  writeAged(answer, "export const answer = 'one';\n", 60);
  expect(await ask()).toBe('one');
  const kept = keptFile();
  expect(kept).toBeDefined();
  // Mark the kept bundle: a worker that answers with the mark ran it rather than bundling anew.
  const bundle = JSON.parse(readFileSync(kept as string, 'utf8')) as { code: string };
  writeFileSync(kept as string, JSON.stringify({ ...bundle, code: bundle.code.replace("'one'", "'kept'").replace('"one"', '"kept"') }));
  expect(await ask()).toBe('kept');
});

test('a file of the bundle changed (same size, another time): the worker bundles anew and runs the new code', async () => {
  writeAged(entry, readFileSync(entry, 'utf8'), 60);
  writeAged(answer, "export const answer = 'one';\n", 60);
  expect(await ask()).toBe('one');
  writeAged(answer, "export const answer = 'two';\n", 30);
  expect(await ask()).toBe('two');
  expect(readFileSync(keptFile() as string, 'utf8')).toContain('two');
});

test('a file changed this very second is bundled but not kept (it may be changing as the bundle is made)', async () => {
  writeAged(entry, readFileSync(entry, 'utf8'), 60);
  writeFileSync(answer, "export const answer = 'now';\n");
  expect(await ask()).toBe('now');
  expect(keptFile()).toBeUndefined();
  writeFileSync(answer, "export const answer = 'new';\n");
  expect(await ask()).toBe('new');
});

test('a kept bundle that is not readable is bundled anew', async () => {
  writeAged(entry, readFileSync(entry, 'utf8'), 60);
  writeAged(answer, "export const answer = 'one';\n", 60);
  expect(await ask()).toBe('one');
  writeFileSync(keptFile() as string, '{"entry": "cut off');
  expect(await ask()).toBe('one');
});
