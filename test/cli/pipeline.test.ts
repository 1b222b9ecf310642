import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTransferRule } from '../../lambda/core/transfer-rule';
import { batchExecutor } from '../../lib/cli/batch-executor';
import type { BatchOutcome, BatchTask } from '../../lib/cli/batch-task';
import { runPipeline } from '../../lib/cli/pipeline';
import { LongLineCutter, openRecordSource } from '../../lib/cli/record-chunks';
import { jsonl, TempDir, TEST_KEY_HEX } from './support';

const rule = parseTransferRule(readFileSync(join(__dirname, '..', '..', 'rules', 'cn-home', 'sg-settlement.json'), 'utf8'), 'sg-settlement.json', new Date('2026-06-01'));

let dir: TempDir;
beforeAll(() => {
  dir = new TempDir();
});
afterAll(() => dir.remove());

async function collect(
  path: string,
  format: 'jsonl' | 'csv',
  workers: number,
  batchBytes: number,
  oneBatchInThread = false,
  started: number[] = [],
): Promise<{ outputs: string[]; quarantined: number[]; reasons: string[]; read: number; written: number; largestBatch: number }> {
  const source = await openRecordSource(path, format, batchBytes);
  const task: BatchTask = { kind: 'desensitize', format, header: source.header, rule, tokenKey: Buffer.from(TEST_KEY_HEX, 'hex') };
  const outputs: string[] = [];
  const quarantined: number[] = [];
  const reasons: string[] = [];
  let [read, written, largestBatch] = [0, 0, 0];
  const batches = source.batches;
  const measured = {
    ...source,
    batches: (async function* () {
      for await (const batch of batches) {
        largestBatch = Math.max(largestBatch, batch.length);
        yield batch;
      }
    })(),
  };
  await runPipeline({
    source: measured,
    task,
    workers,
    oneBatchInThread,
    startExecutor: (given, count) => {
      started.push(count);
      return batchExecutor(given, count);
    },
    onOutcome: (outcome: BatchOutcome, linesBefore) => {
      if (outcome.kind !== 'desensitize') return;
      outputs.push(Buffer.from(outcome.output).toString('utf8'));
      quarantined.push(...outcome.batch.quarantine.map((q) => linesBefore + q.line));
      reasons.push(...outcome.batch.quarantine.map((q) => q.reason));
      read += outcome.batch.read;
      written += outcome.batch.written;
    },
  });
  return { outputs, quarantined, reasons, read, written, largestBatch };
}

/** A 28-digit trade number, as the rule's pattern wants. */
const tradeNo = (i: number) => String(2024010122001400000000000000n + BigInt(i));

describe('batch pipeline', () => {
  test('many small batches over two workers come back in input order, with absolute line numbers', async () => {
    const records = Array.from({ length: 400 }, (_, i) => (i % 37 === 5 ? { card: { cvv: '1' } } : { txn: { tradeNo: tradeNo(i), amount: i } }));
    const path = dir.file('many.jsonl', jsonl(records));
    const parallel = await collect(path, 'jsonl', 2, 512);
    expect(parallel.outputs.length).toBeGreaterThan(20);
    const amounts = parallel.outputs.join('').trim().split('\n').map((line) => JSON.parse(line).txn.amount as number);
    expect(amounts).toEqual(records.flatMap((r, i) => ('txn' in r ? [i] : [])));
    expect(parallel.quarantined).toEqual(records.flatMap((r, i) => ('card' in r ? [i + 1] : [])));
    expect((await collect(path, 'jsonl', 1, 1 << 20)).outputs.join('')).toBe(parallel.outputs.join(''));
  });

  test('CSV batches never cut a quoted field, even when it spans lines and chunks', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${tradeNo(i)},"line one ${i}\nline, two ""quoted"""`);
    const path = dir.file('quoted.csv', `\uFEFFtxn.tradeNo,memo\n${rows.join('\n')}\n`);
    const result = await collect(path, 'csv', 2, 16);
    expect(result.quarantined).toEqual([]);
    const memos = result.outputs.join('');
    for (let i = 0; i < 60; i++) expect(memos).toContain(`${tradeNo(i)},"line one ${i}\nline, two ""quoted"""\n`);
  });

  test('a CSV header is read apart, BOM removed, and line numbers count it', async () => {
    const source = await openRecordSource(dir.file('h.csv', '\uFEFF"a","b.c"\r\n1,2\n'), 'csv');
    expect(source.header).toEqual(['a', 'b.c']);
    expect(source.headerLines).toBe(1);
    const batches: string[] = [];
    for await (const batch of source.batches) batches.push(Buffer.from(batch).toString('utf8'));
    expect(batches).toEqual(['1,2\n']);
  });

  test('an unclosed CSV quote costs one line, whatever the batch size; every later row is written', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${tradeNo(i)},row ${i}`);
    rows[3] = `${tradeNo(3)},"opened and never closed`;
    const path = dir.file('unclosed.csv', `txn.tradeNo,memo\n${rows.join('\n')}\n`);
    for (const batchBytes of [7, 64, 1 << 20]) {
      const result = await collect(path, 'csv', 2, batchBytes);
      expect(result.quarantined).toEqual([5]);
      expect(result).toMatchObject({ read: 200, written: 199 });
    }
  });

  test('a line of many megabytes is quarantined on its own line, and never held in memory whole', async () => {
    const records = [{ memo: 'before' }, { memo: 'x'.repeat(3 << 20) }, { memo: 'after' }];
    const path = dir.file('long.jsonl', jsonl(records));
    const result = await collect(path, 'jsonl', 1, 1 << 16);
    expect(result).toMatchObject({ read: 3, written: 2, quarantined: [2], reasons: ['too_long'] });
    expect(result.largestBatch).toBeLessThan((1 << 20) + (1 << 17));
  });
});

test('only the file\'s byte order mark is skipped: a batch that happens to start with one is not the start of the input', async () => {
  const line = JSON.stringify({ memo: 'x' });
  const path = dir.file('boms.jsonl', `\uFEFF${line}\n\uFEFF${line}\n${line}\n`);
  for (const batchBytes of [5, 1 << 20]) {
    const result = await collect(path, 'jsonl', 1, batchBytes);
    expect(result).toMatchObject({ read: 3, written: 2, quarantined: [2], reasons: ['unparseable'] });
  }
});

describe('the default --workers: threads only for an input of more than one batch', () => {
  const records = Array.from({ length: 120 }, (_, i) => (i % 17 === 3 ? { card: { cvv: '1' } } : { txn: { tradeNo: tradeNo(i), amount: i } }));
  let path: string;
  let whole: Awaited<ReturnType<typeof collect>>;
  beforeAll(async () => {
    path = dir.file('default-workers.jsonl', jsonl(records));
    whole = await collect(path, 'jsonl', 1, 1 << 20);
  });

  test('one batch runs in this thread, with the same output', async () => {
    const started: number[] = [];
    const result = await collect(path, 'jsonl', 2, 1 << 20, true, started);
    expect(started).toEqual([1]);
    expect(result.outputs).toHaveLength(1);
    expect(result).toEqual(whole);
  });

  test('a second batch starts the workers, and every batch goes to them, in order', async () => {
    const started: number[] = [];
    const result = await collect(path, 'jsonl', 2, 1024, true, started);
    expect(started).toEqual([2]);
    expect(result.outputs.length).toBeGreaterThan(2);
    expect(result.outputs.join('')).toBe(whole.outputs.join(''));
    expect(result.quarantined).toEqual(whole.quarantined);
  });

  test('a count given with --workers is used as given, even for one batch', async () => {
    const started: number[] = [];
    expect((await collect(path, 'jsonl', 2, 1 << 20, false, started)).outputs.join('')).toBe(whole.outputs.join(''));
    expect(started).toEqual([2]);
  });

  test('an empty input starts no worker thread and still reports its (empty) scan inventory', async () => {
    const started: number[] = [];
    const source = await openRecordSource(dir.file('empty.jsonl', ''), 'jsonl');
    const inventories = await runPipeline({
      source,
      task: { kind: 'scan', format: 'jsonl', header: undefined },
      workers: 2,
      oneBatchInThread: true,
      startExecutor: (task, count) => {
        started.push(count);
        return batchExecutor(task, count);
      },
      onOutcome: () => undefined,
    });
    expect(started).toEqual([1]);
    expect(inventories).toHaveLength(1);
  });

  test('a run that fails on its first batch closes the input it was reading ahead of', async () => {
    let closed = false;
    const source = await openRecordSource(path, 'jsonl', 1024);
    const inner = source.batches;
    const batches = (async function* () {
      try {
        yield* inner;
      } finally {
        closed = true;
      }
    })();
    const failing = runPipeline({
      source: { ...source, batches },
      task: { kind: 'desensitize', format: 'jsonl', header: undefined, rule, tokenKey: Buffer.from(TEST_KEY_HEX, 'hex') },
      workers: 2,
      oneBatchInThread: true,
      onOutcome: () => {
        throw new Error('the output disk is full');
      },
    });
    await expect(failing).rejects.toThrow('the output disk is full');
    expect(closed).toBe(true);
    await source.close();
  });
});

describe('LongLineCutter', () => {
  test('cuts every line to limit + 1 bytes across chunks, keeping newlines and short lines whole', () => {
    const cutter = new LongLineCutter(4);
    const chunks = ['ab\nabcdefgh', 'ijk\nxy', 'z\n', 'abcdef'].map((c) => Buffer.from(c));
    expect(chunks.map((chunk) => cutter.cut(chunk).toString()).join('')).toBe('ab\nabcde\nxyz\nabcde');
  });
});
