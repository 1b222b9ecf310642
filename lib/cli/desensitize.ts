/**
 * `residency desensitize --rule RULE.json --in FILE --out FILE --quarantine FILE [--workers N]`
 *
 * Applies a transfer rule to every record of a JSON Lines or CSV file. The rule and the token key are
 * checked before the input is opened; records come out in input order; every record read is either
 * written, quarantined with a reason, or withheld because a subject in it is on the `--suppress` list
 * (read = written + quarantined + suppressed), and one JSON summary line goes to stdout: the counts,
 * the quarantine reasons with their counts, and the kept fields whose values did not have their
 * shape. Nothing in it, in the quarantine file or on stderr carries record content.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  addCounts,
  compileTransferRule,
  csvOutputColumns,
  emptyCounts,
  formatCsvRow,
  parseTransferRule,
  tokenKeyFromBytes,
  tokenKeyFromHex,
  TokenKeyError,
  TransferRuleError,
  type QuarantineReasonCode,
  type RecordFormat,
  type TokenKey,
  type TransformCounts,
  type TransferRule,
} from '../../lambda/core';
import { CliError, type CliIo } from './io';
import { delimiterFlag, fileErrorReason, inputFormat, parseFlags, readableFileSize, requireFlag, USAGE_ERROR, workerCount } from './options';
import { OutputFile } from './output-file';
import { runPipeline } from './pipeline';
import { Progress } from './progress';
import { checkedCsvLayout, openRecordSource, type RecordSource } from './record-chunks';
import { readSuppressionTokens } from './suppression-file';

const USAGE = `usage: residency desensitize --rule RULE.json --in FILE --out FILE --quarantine FILE [options]

  --rule FILE            transfer rule (JSON, see schemas/transfer-rule.schema.json)
  --in FILE              input records: JSON Lines (.jsonl, .ndjson) or CSV (.csv)
  --out FILE             desensitized records, same format and order as the input
  --quarantine FILE      JSON Lines: line number and reason of every record not written
  --workers N            worker threads (default: the machine's available cores; an input of
                         one batch, about 1 MiB, runs without them)
  --input-format F       jsonl or csv, when the extension does not say
  --delimiter D          CSV delimiter: , ; | or tab (default: guessed from the header and first
                         lines); the output uses the input's
  --token-key-file FILE  HMAC key for token fields (hex or raw bytes, at least 32 bytes);
                         otherwise RESIDENCY_TOKEN_KEY (hex) is used; one of them is required
  --suppress FILE        suppression list (JSON, see docs/incidents-and-rights.md): records of the
                         subjects on it are not written, and are counted as "suppressed"
`;

export const TOKEN_KEY_ENV = 'RESIDENCY_TOKEN_KEY';
const HEX_TEXT = /^(?:[0-9a-fA-F]{2})+$/;

async function readRule(path: string): Promise<TransferRule> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read --rule ${path}: ${fileErrorReason(err)}`);
  }
  try {
    return parseTransferRule(text, path, new Date());
  } catch (err) {
    if (err instanceof TransferRuleError) throw new CliError(`refusing rule ${err.message}`);
    throw err;
  }
}

/** The key from `--token-key-file` (hex text, or raw key bytes), else from RESIDENCY_TOKEN_KEY (hex). */
export async function readTokenKey(keyFile: string | undefined): Promise<TokenKey> {
  try {
    if (keyFile !== undefined) {
      let bytes: Buffer;
      try {
        bytes = await readFile(keyFile);
      } catch (err) {
        throw new CliError(`cannot read --token-key-file ${keyFile}: ${fileErrorReason(err)}`);
      }
      const text = bytes.toString('latin1').trim();
      return HEX_TEXT.test(text) ? tokenKeyFromHex(text) : tokenKeyFromBytes(bytes);
    }
    const hex = process.env[TOKEN_KEY_ENV];
    if (hex === undefined || hex.trim() === '') {
      throw new CliError(`no token key: set ${TOKEN_KEY_ENV} to at least 64 hex characters (32 bytes) or pass --token-key-file FILE`);
    }
    return tokenKeyFromHex(hex);
  } catch (err) {
    if (err instanceof TokenKeyError) throw new CliError(`${keyFile === undefined ? TOKEN_KEY_ENV : `--token-key-file ${keyFile}`}: ${err.message}`);
    throw err;
  }
}

function assertDistinctPaths(paths: Record<string, string>): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(paths)) {
    const other = seen.get(resolve(path));
    if (other !== undefined) throw new CliError(`--${flag} and --${other} name the same file: ${path}`, USAGE_ERROR);
    seen.set(resolve(path), flag);
  }
}

interface Totals {
  read: number;
  written: number;
  quarantined: number;
  suppressed: number;
  readonly counts: TransformCounts;
  readonly reasons: Partial<Record<QuarantineReasonCode, number>>;
  /** Kept values that did not have their shape, by the rule's field path. */
  readonly shapeMismatches: Record<string, number>;
  /** Whether a written record holds anything (not `{}`, nor a CSV row of empty cells). */
  wroteContent: boolean;
}

/** Whether the output lines hold a record with content: not only `{}` lines or CSV rows of empty cells. */
function holdsContent(output: Uint8Array, format: RecordFormat, delimiter: number): boolean {
  for (const byte of output) {
    if (byte === 10 || byte === 13) continue;
    if (format === 'csv' ? byte !== delimiter : byte !== 0x7b && byte !== 0x7d) return true;
  }
  return false;
}

interface DesensitizeSourceOptions {
  readonly source: RecordSource;
  readonly inPath: string;
  readonly outPath: string;
  readonly quarantinePath: string;
  readonly format: RecordFormat;
  readonly workers: number;
  /** The default `--workers`: an input of one batch runs in this thread (lib/cli/pipeline.ts). */
  readonly oneBatchInThread: boolean;
  readonly rule: TransferRule;
  readonly tokenKey: TokenKey;
  readonly suppressTokens?: readonly string[];
  readonly progress: Progress;
}

/** Runs every batch and writes both outputs; they appear only if the whole input went through. */
async function desensitizeSource(options: DesensitizeSourceOptions): Promise<Totals> {
  const { source, inPath, format, workers, rule, tokenKey, progress } = options;
  let outputHeader: string | undefined;
  if (format === 'csv' && source.header !== undefined) {
    const layout = checkedCsvLayout(source.header, inPath, source.delimiter);
    const columns = csvOutputColumns(layout, compileTransferRule(rule, tokenKey));
    if (columns.length === 0) {
      // Every record would be written as an empty line.
      throw new CliError(`${inPath}: rule ${rule.id} keeps none of its ${layout.columns.length} columns; nothing would be written (is the delimiter right? pass --delimiter)`);
    }
    outputHeader = formatCsvRow(columns.map((column) => layout.columns[column]), source.delimiter);
  }
  const out = await OutputFile.create(options.outPath, 'out');
  const quarantine = await OutputFile.create(options.quarantinePath, 'quarantine');
  const totals: Totals = { read: 0, written: 0, quarantined: 0, suppressed: 0, counts: emptyCounts(), reasons: {}, shapeMismatches: {}, wroteContent: false };
  const delimiterByte = source.delimiter.charCodeAt(0);
  try {
    if (outputHeader !== undefined) await out.write(`${outputHeader}\n`);
    await runPipeline({
      source,
      workers,
      oneBatchInThread: options.oneBatchInThread,
      task: {
        kind: 'desensitize',
        format,
        header: source.header,
        delimiter: source.delimiter,
        rule,
        tokenKey: Buffer.from(tokenKey.key.export()),
        ...(options.suppressTokens === undefined ? {} : { suppressTokens: options.suppressTokens }),
      },
      onOutcome: async (outcome, linesBefore) => {
        if (outcome.kind !== 'desensitize') return;
        const { batch, output } = outcome;
        totals.read += batch.read + outcome.suppressed;
        totals.suppressed += outcome.suppressed;
        totals.written += batch.written;
        totals.quarantined += batch.quarantine.length;
        addCounts(totals.counts, batch.counts);
        for (const [field, count] of Object.entries(batch.shapeMismatches)) totals.shapeMismatches[field] = (totals.shapeMismatches[field] ?? 0) + count;
        if (!totals.wroteContent && batch.written > 0) totals.wroteContent = holdsContent(output, format, delimiterByte);
        await out.write(output);
        let lines = '';
        for (const entry of batch.quarantine) {
          totals.reasons[entry.reason] = (totals.reasons[entry.reason] ?? 0) + 1;
          lines += `${JSON.stringify({ line: linesBefore + entry.line, reason: entry.reason, detail: entry.detail })}\n`;
        }
        await quarantine.write(lines);
      },
      onProgress: (bytesRead) => progress.update(bytesRead, totals.read),
    });
    if (totals.written > 0 && !totals.wroteContent) {
      throw new CliError(`${inPath}: rule ${rule.id} left all ${totals.written} written records empty; nothing written (do its field paths match the input's fields?)`);
    }
    await out.commit();
    await quarantine.commit();
  } catch (err) {
    await Promise.all([out.discard(), quarantine.discard()]);
    throw err;
  }
  return totals;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, {
    rule: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    quarantine: { type: 'string' },
    workers: { type: 'string' },
    'input-format': { type: 'string' },
    delimiter: { type: 'string' },
    'token-key-file': { type: 'string' },
    suppress: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  const rulePath = requireFlag(flags.rule, 'rule');
  const inPath = requireFlag(flags.in, 'in');
  const outPath = requireFlag(flags.out, 'out');
  const quarantinePath = requireFlag(flags.quarantine, 'quarantine');
  assertDistinctPaths({ in: inPath, out: outPath, quarantine: quarantinePath, rule: rulePath, ...(flags.suppress ? { suppress: flags.suppress } : {}) });
  const workers = workerCount(flags.workers);
  const format = inputFormat(inPath, flags['input-format']);
  const delimiter = delimiterFlag(flags.delimiter);

  // Refuse a bad rule or a missing key before touching the input.
  const rule = await readRule(rulePath);
  const tokenKey = await readTokenKey(flags['token-key-file']);
  const suppressTokens = flags.suppress === undefined ? undefined : await readSuppressionTokens(flags.suppress);
  const inputBytes = await readableFileSize(inPath, 'in');

  const source = await openRecordSource(inPath, format, undefined, delimiter);
  const progress = new Progress(io, 'residency desensitize', inputBytes);
  let totals: Totals;
  try {
    totals = await desensitizeSource({ source, inPath, outPath, quarantinePath, format, workers, oneBatchInThread: flags.workers === undefined, rule, tokenKey, suppressTokens, progress });
  } finally {
    await source.close();
  }
  progress.done(totals.read);
  const { safetyNetRedactions, ...otherCounts } = totals.counts;
  const summary = {
    read: totals.read,
    written: totals.written,
    quarantined: totals.quarantined,
    suppressed: totals.suppressed,
    safetyNetRedactions,
    ...otherCounts,
    quarantineReasons: totals.reasons,
    shapeMismatches: totals.shapeMismatches,
    rule: rule.id,
    ruleVersion: rule.version,
    destination: rule.destination.region,
  };
  io.stdout(`${JSON.stringify(summary)}\n`);
  if (totals.written === 0 && totals.quarantined > 0) {
    io.stderr(`residency desensitize: no record of ${inPath} was written: all ${totals.quarantined} not suppressed were quarantined (reasons in ${quarantinePath})\n`);
    return 1;
  }
  return 0;
}
