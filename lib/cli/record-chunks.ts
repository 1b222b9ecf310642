/**
 * Reads an input file as batches of whole records (about BATCH_BYTES each), so workers can decode
 * and process batches independently: JSON Lines batches end at a newline, CSV batches at a record
 * end the core's scanner reports (a quoted field may span lines; a record that cannot be read ends
 * with its first line). A CSV file's header record is returned apart.
 *
 * Memory stays bounded whatever the file holds: a physical line longer than MAX_RECORD_BYTES is cut
 * to MAX_RECORD_BYTES + 1 bytes here (the rest of it skipped up to its newline), so the worker sees
 * that it is too long and quarantines it under its own line number; and a CSV record is decided
 * within MAX_RECORD_BYTES, so an unclosed quote never holds back the rest of the file.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  csvDialectDisagreement,
  csvFields,
  csvLayout,
  CsvHeaderError,
  CsvScanner,
  type CsvLayout,
  type RecordFormat,
  DEFAULT_CSV_DELIMITER,
  describeDelimiter,
  MAX_RECORD_BYTES,
  sampleCsv,
  sniffCsvDelimiter,
  type CsvDelimiter,
} from '../../lambda/core';
import { BATCH_BYTES, LongLineCutter, recordBatches, startsWithBom } from '../../lambda/core/batch-stream';
import { CliError } from './io';

export { BATCH_BYTES, LongLineCutter };

export interface RecordSource {
  /** The CSV header fields (undefined for JSON Lines, or for an empty CSV file). */
  readonly header: string[] | undefined;
  /** The CSV file's delimiter: given, or guessed from its first records (comma for JSON Lines). */
  readonly delimiter: CsvDelimiter;
  /** Physical lines before the first batch (the CSV header's). */
  readonly headerLines: number;
  readonly batches: AsyncIterable<Uint8Array>;
  /** Bytes read from the file so far (for progress). */
  bytesRead(): number;
  /** Releases the file when the batches are not read to the end (a refused header, a failed run). */
  close(): Promise<void>;
}

/** Record-aligned batches of a file, through the pipeline the gateway shares (lambda/core/batch-stream.ts). */
function fileBatches(path: string, format: RecordFormat, delimiter: CsvDelimiter, batchBytes: number, progress: { bytes: number }): AsyncGenerator<Uint8Array> {
  return recordBatches(createReadStream(path, { highWaterMark: batchBytes }), format, { batchBytes, delimiter, onChunk: (bytes) => (progress.bytes += bytes) });
}

/** The header record of a CSV file's first batch: its fields and where it ends. */
function csvHeader(path: string, bytes: Uint8Array, delimiter: CsvDelimiter): { fields: string[]; end: number; lines: number } {
  const span = new CsvScanner(bytes, true, MAX_RECORD_BYTES, delimiter).next(0);
  if (span === undefined) throw new Error('unreachable: a final scan decides every record');
  if (span.blank) throw new CliError(`${path}: the first line of a CSV file must be its header, found an empty line`);
  if (span.problem !== undefined) throw new CliError(`${path}: line 1 (the header) is not a valid CSV record (${span.problem})`);
  const headerBytes = bytes.subarray(span.start, span.end);
  if (!isUtf8(headerBytes)) throw new CliError(`${path}: line 1 (the header) is not valid UTF-8`);
  return { fields: csvFields(Buffer.from(headerBytes).toString('utf8'), delimiter), end: span.end, lines: span.lines };
}

/** How much of the start of a CSV file its delimiter is guessed from. */
const SNIFF_BYTES = 64 * 1024;

/**
 * The delimiter of the CSV file at `path`: `given`, or guessed from its header and first records.
 * Refuses the file, by name and line, when most of those records do not have the header's field
 * count with it: read on, every record would be quarantined, or (one column) written blank.
 */
export async function csvDelimiterOf(path: string, given: CsvDelimiter | undefined): Promise<CsvDelimiter> {
  const handle = await open(path, 'r');
  let bytes: Uint8Array;
  let final: boolean;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    bytes = buffer.subarray(startsWithBom(buffer.subarray(0, bytesRead)) ? 3 : 0, bytesRead);
    final = bytesRead < SNIFF_BYTES;
  } finally {
    await handle.close();
  }
  const guessed = sniffCsvDelimiter(bytes, final);
  const sample = given === undefined ? guessed : sampleCsv(bytes, given, final);
  if (given !== undefined && sample.headerFields === 1 && guessed.headerFields > 1 && csvDialectDisagreement(guessed) === undefined) {
    throw new CliError(
      `${path}: with --delimiter ${describeDelimiter(given)} its header is one column, but it splits into ${guessed.headerFields} columns with ` +
        `${describeDelimiter(guessed.delimiter)}, and so do its first records; refusing the file: pass --delimiter ${describeDelimiter(guessed.delimiter)} or leave it out`,
    );
  }
  const odd = csvDialectDisagreement(sample);
  if (odd !== undefined) {
    const how = given === undefined ? `with the delimiter guessed from its first lines, ${describeDelimiter(sample.delimiter)}` : `with --delimiter ${describeDelimiter(sample.delimiter)}`;
    throw new CliError(
      `${path}: read ${how}, the header has ${sample.headerFields} fields but line ${odd.line} has ${odd.fields}` +
        ` (and so do most of the first records); refusing the file: pass --delimiter with the one it uses (comma, semicolon, tab or pipe)`,
    );
  }
  return sample.delimiter;
}

/**
 * Opens `path` for batch reading; for CSV, finds its delimiter (`delimiter`, or guessed) and reads
 * and parses the header first.
 */
export async function openRecordSource(path: string, format: RecordFormat, batchBytes = BATCH_BYTES, given?: CsvDelimiter): Promise<RecordSource> {
  const progress = { bytes: 0 };
  const delimiter = format === 'csv' ? await csvDelimiterOf(path, given) : DEFAULT_CSV_DELIMITER;
  const batches = fileBatches(path, format, delimiter, batchBytes, progress);
  const bytesRead = (): number => progress.bytes;
  const close = async (): Promise<void> => {
    await batches.return(undefined);
  };
  if (format === 'jsonl') return { header: undefined, delimiter, headerLines: 0, batches, bytesRead, close };

  const first = await batches.next();
  if (first.done) return { header: undefined, delimiter, headerLines: 0, batches: (async function* () {})(), bytesRead, close };
  let header: ReturnType<typeof csvHeader>;
  try {
    header = csvHeader(path, first.value, delimiter);
  } catch (err) {
    // Reading on would take the first record for the header, or drop the whole file as empty.
    await close();
    throw err;
  }
  const rest = first.value.slice(header.end);
  async function* withRest(): AsyncGenerator<Uint8Array> {
    if (rest.length > 0) yield rest;
    yield* batches;
  }
  return { header: header.fields, delimiter, headerLines: header.lines, batches: withRest(), bytesRead, close };
}

/** The layout of a CSV header, or a one-line CliError naming the file and every header problem. */
export function checkedCsvLayout(header: readonly string[], path: string, delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): CsvLayout {
  try {
    return csvLayout(header, delimiter);
  } catch (err) {
    if (err instanceof CsvHeaderError) throw new CliError(`${path}: ${err.message}`);
    throw err;
  }
}
