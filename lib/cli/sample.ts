/**
 * `residency sample --records N --out FILE [--format jsonl|csv] [--seed S]`
 *
 * Writes realistic synthetic payment records (the benchmark's generator: valid resident IDs, Luhn
 * cards and CN mobiles in the forms people write them, memos with identifiers inside, look-alikes that
 * fail their checksums) with an identifier of every category the detectors know planted in the file,
 * a CVV included, so that every example in the README runs as written. The same seed gives the same file.
 */
import { seededRandom, syntheticRecord } from '../../bench/synthetic-records';
import { CATEGORIES } from '../../lambda/core/categories';
import { formatCsvRow } from '../../lambda/core/csv';
import { CliError, type CliIo } from './io';
import { parseFlags, requireFlag, USAGE_ERROR } from './options';
import { OutputFile } from './output-file';

const USAGE = `usage: residency sample --records N --out FILE [options]
       residency sample ledger --rule RULE.json --dir DIR --outputs DIR [options]   (a sample ledger: --help there)
       residency sample incidents --rule RULE.json --dir DIR [options]               (a sample incident copy)

  --records N     how many records (1 to ${(10_000_000).toLocaleString('en-US')})
  --out FILE      where to write them
  --format F      jsonl (default) or csv (dotted column names: txn.tradeNo, payer.mobile, ...)
  --seed S        a whole number; the same seed gives the same file (default: 1)

Every category the detectors know is planted: ${CATEGORIES.join(', ')}.
`;

const MAX_RECORDS = 10_000_000;
/** One record in this many carries a CVV, so even a small sample has sensitive authentication data. */
const CVV_EVERY = 50;

/** A whole-number flag in [min, max], or `fallback` when absent (without one, the flag is required). */
export function wholeNumber(value: string | undefined, flag: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const text = requireFlag(value, flag);
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`--${flag} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got "${text}"`, USAGE_ERROR);
  return n;
}

/** The record's leaves as dotted paths (`payer.mobile`), in the order they appear. */
function flatten(record: Record<string, unknown>, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(record)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null) flatten(value as Record<string, unknown>, path, into);
    else into[path] = String(value);
  }
  return into;
}

export function sampleRecord(random: () => number, index: number): Record<string, unknown> {
  const record = syntheticRecord(random, index);
  const card = record.card as Record<string, unknown>;
  if (index % CVV_EVERY === 1) card.cvv = String(100 + (index % 900));
  return record;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args[0] === 'ledger') return (await import('./sample-ledger')).run(args.slice(1), io);
  if (args[0] === 'incidents') return (await import('./sample-incidents')).run(args.slice(1), io);
  const flags = parseFlags(args, {
    records: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  const records = wholeNumber(flags.records, 'records', 1, MAX_RECORDS);
  const outPath = requireFlag(flags.out, 'out');
  const format = flags.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new CliError(`--format must be jsonl or csv, got "${format}"`, USAGE_ERROR);
  const seed = wholeNumber(flags.seed, 'seed', 0, 2 ** 32 - 1, 1);

  const random = seededRandom(seed);
  // Every column any record has, so a CSV header fits them all (the CVV one included).
  const columns = ['txn.tradeNo', 'txn.outTradeNo', 'txn.amount', 'txn.currency', 'txn.createdAt', 'payer.name', 'payer.idNumber', 'payer.mobile', 'payer.email', 'card.pan', 'card.expiry', 'card.bank', 'card.cvv', 'merchant.id', 'merchant.name', 'device.ip', 'memo'];
  const out = await OutputFile.create(outPath, 'out');
  try {
    if (format === 'csv') await out.write(`${formatCsvRow(columns)}\n`);
    let chunk = '';
    for (let index = 0; index < records; index++) {
      const record = sampleRecord(random, index);
      if (format === 'jsonl') chunk += `${JSON.stringify(record)}\n`;
      else {
        const flat = flatten(record);
        chunk += `${formatCsvRow(columns.map((column) => flat[column] ?? ''))}\n`;
      }
      if (chunk.length > 1 << 20) {
        await out.write(chunk);
        chunk = '';
      }
    }
    await out.write(chunk);
    await out.commit();
  } catch (err) {
    await out.discard();
    throw err;
  }
  io.stderr(`residency sample: ${records.toLocaleString('en-US')} records (${format}, seed ${seed}) written to ${outPath}\n`);
  return 0;
}
