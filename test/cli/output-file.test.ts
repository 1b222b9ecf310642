/**
 * An output file appears only when complete; thrown away, it leaves nothing, even while a write is
 * still on its way to the disk (a refused run whose last batch was written just before the refusal
 * used to end the process with ERR_STREAM_DESTROYED instead of its own error).
 */
import { existsSync, readFileSync } from 'node:fs';
import { OutputFile } from '../../lib/cli/output-file';
import { TempDir } from './support';

let dir: TempDir;
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => dir.remove());

test('discarded with writes in flight: no error event escapes, no .partial stays', async () => {
  const path = dir.file('out.jsonl');
  const out = await OutputFile.create(path, 'out');
  const escaped: unknown[] = [];
  const onUncaught = (err: unknown) => escaped.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    // Each write returns once buffered: the bytes are still on their way to the disk when the file is thrown away.
    for (let i = 0; i < 3; i++) await out.write(`{"record":${i}}\n`);
    await out.discard();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  expect(escaped).toEqual([]);
  expect(existsSync(path)).toBe(false);
  expect(existsSync(`${path}.partial`)).toBe(false);
});

test('committed, the file holds what was written; a later discard returns at once and keeps it', async () => {
  const path = dir.file('out.jsonl');
  const out = await OutputFile.create(path, 'out');
  await out.write('{"a":1}\n');
  await out.commit();
  await out.discard();
  expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
});
