import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTransferRule } from '../../lambda/core/transfer-rule';
import type { BatchOutcome, BatchTask } from '../../lib/cli/batch-task';
import { runPipeline } from '../../lib/cli/pipeline';
import { openRecordSource } from '../../lib/cli/record-chunks';
import { jsonl, TempDir, TEST_KEY_HEX } from './support';

const rule = parseTransferRule(readFileSync(join(__dirname, '..', '..', 'rules', 'cn-home', 'sg-settlement.json'), 'utf8'), 'sg-settlement.json', new Date('2026-06-01'));

let dir: TempDir;
beforeAll(() => {
  dir = new TempDir();
});
afterAll(() => dir.remove());

async function collect(path: string, format: 'jsonl' | 'csv', workers: number, batchBytes: number): Promise<{ outputs: string[]; quarantined: number[] }> {
  const source = await openRecordSource(path, format, batchBytes);
  const task: BatchTask = { kind: 'desensitize', format, header: source.header, rule, tokenKey: Buffer.from(TEST_KEY_HEX, 'hex') };
  const outputs: string[] = [];
  const quarantined: number[] = [];
  await runPipeline({
    source,
    task,
    workers,
    onOutcome: (outcome: BatchOutcome, linesBefore) => {
      if (outcome.kind !== 'desensitize') return;
      outputs.push(Buffer.from(outcome.output).toString('utf8'));
      quarantined.push(...outcome.batch.quarantine.map((q) => linesBefore + q.line));
    },
  });
  return { outputs, quarantined };
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
});
