/**
 * `npx tsx bench/csv-readers.ts [--records N]`
 *
 * Which CSV reader the gate uses, measured: the same synthetic payment records as a CSV file (a
 * few quoted fields with commas and newlines, as exports have them) read to records of fields by
 * - the gate's reader (`CsvScanner` over the bytes, `csvFields` per record),
 * - `csv-parse`'s synchronous `parse` (the well-kept library of the field).
 * Both must give the same records (checked here too); prints µs per record, best of 5.
 */
import { parse } from 'csv-parse/sync';
import { parseArgs } from 'node:util';
import { csvFields, CsvScanner, formatCsvRow } from '../lambda/core/csv';
import { seededRandom, syntheticRecord } from './synthetic-records';

const { values } = parseArgs({ args: process.argv.slice(2), options: { records: { type: 'string', default: '50000' } } });
const count = Number(values.records);

const COLUMNS = ['txn.tradeNo', 'txn.amount', 'txn.currency', 'payer.name', 'payer.idNumber', 'payer.mobile', 'card.pan', 'memo'];

function csvText(): string {
  const random = seededRandom(11);
  const rows = [formatCsvRow(COLUMNS)];
  for (let i = 0; i < count; i++) {
    const r = syntheticRecord(random, i) as { txn: Record<string, unknown>; payer: Record<string, unknown>; card: Record<string, unknown>; memo: string };
    const memo = i % 10 === 0 ? `${r.memo}, "quoted"\nsecond line` : r.memo;
    rows.push(formatCsvRow([r.txn.tradeNo, r.txn.amount, r.txn.currency, r.payer.name, r.payer.idNumber, r.payer.mobile, r.card.pan, memo].map(String)));
  }
  return `${rows.join('\n')}\n`;
}

function ours(bytes: Buffer): string[][] {
  const scanner = new CsvScanner(bytes, true);
  const records: string[][] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const span = scanner.next(pos);
    if (span === undefined) break;
    if (!span.blank && span.problem === undefined) records.push(csvFields(bytes.toString('utf8', span.start, span.end)));
    pos = span.end;
  }
  return records;
}

function theirs(bytes: Buffer): string[][] {
  return parse(bytes, { relax_column_count: true, skip_empty_lines: true }) as string[][];
}

function timePerRecord(read: () => unknown): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    read();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e3 / count);
  }
  return best;
}

const bytes = Buffer.from(csvText());
const same = JSON.stringify(ours(bytes)) === JSON.stringify(theirs(bytes));
console.log(`${count.toLocaleString('en-US')} CSV records (${(bytes.length / 1e6).toFixed(1)} MB), one in ten with a quoted multi-line field; same records from both: ${same ? 'yes' : 'NO'}`);
console.log(`  ${'CsvScanner + csvFields (the gate)'.padEnd(36)}${timePerRecord(() => ours(bytes)).toFixed(2).padStart(8)} µs/record`);
console.log(`  ${'csv-parse/sync'.padEnd(36)}${timePerRecord(() => theirs(bytes)).toFixed(2).padStart(8)} µs/record`);
if (!same) process.exitCode = 1;
