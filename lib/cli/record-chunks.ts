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
import { csvFields, csvLayout, CsvHeaderError, CsvScanner, type CsvLayout, type RecordFormat } from '../../lambda/core';
import { BATCH_BYTES, LongLineCutter, recordBatches } from '../../lambda/core/batch-stream';
import { CliError } from './io';

export { BATCH_BYTES, LongLineCutter };

export interface RecordSource {
  /** The CSV header fields (undefined for JSON Lines, or for an empty CSV file). */
  readonly header: string[] | undefined;
  /** Physical lines before the first batch (the CSV header's). */
  readonly headerLines: number;
  readonly batches: AsyncIterable<Uint8Array>;
  /** Bytes read from the file so far (for progress). */
  bytesRead(): number;
  /** Releases the file when the batches are not read to the end (a refused header, a failed run). */
  close(): Promise<void>;
}

/** Record-aligned batches of a file, through the pipeline the gateway shares (lambda/core/batch-stream.ts). */
function fileBatches(path: string, format: RecordFormat, batchBytes: number, progress: { bytes: number }): AsyncGenerator<Uint8Array> {
  return recordBatches(createReadStream(path, { highWaterMark: batchBytes }), format, { batchBytes, onChunk: (bytes) => (progress.bytes += bytes) });
}

/** The header record of a CSV file's first batch: its fields and where it ends. */
function csvHeader(path: string, bytes: Uint8Array): { fields: string[]; end: number; lines: number } {
  const span = new CsvScanner(bytes, true).next(0);
  if (span === undefined) throw new Error('unreachable: a final scan decides every record');
  if (span.blank) throw new CliError(`${path}: the first line of a CSV file must be its header, found an empty line`);
  if (span.problem !== undefined) throw new CliError(`${path}: line 1 (the header) is not a valid CSV record (${span.problem})`);
  const headerBytes = bytes.subarray(span.start, span.end);
  if (!isUtf8(headerBytes)) throw new CliError(`${path}: line 1 (the header) is not valid UTF-8`);
  return { fields: csvFields(Buffer.from(headerBytes).toString('utf8')), end: span.end, lines: span.lines };
}

/** Opens `path` for batch reading; for CSV, reads and parses the header first. */
export async function openRecordSource(path: string, format: RecordFormat, batchBytes = BATCH_BYTES): Promise<RecordSource> {
  const progress = { bytes: 0 };
  const batches = fileBatches(path, format, batchBytes, progress);
  const bytesRead = (): number => progress.bytes;
  const close = async (): Promise<void> => {
    await batches.return(undefined);
  };
  if (format === 'jsonl') return { header: undefined, headerLines: 0, batches, bytesRead, close };

  const first = await batches.next();
  if (first.done) return { header: undefined, headerLines: 0, batches: (async function* () {})(), bytesRead, close };
  let header: ReturnType<typeof csvHeader>;
  try {
    header = csvHeader(path, first.value);
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
  return { header: header.fields, headerLines: header.lines, batches: withRest(), bytesRead, close };
}

/** The layout of a CSV header, or a one-line CliError naming the file and every header problem. */
export function checkedCsvLayout(header: readonly string[], path: string): CsvLayout {
  try {
    return csvLayout(header);
  } catch (err) {
    if (err instanceof CsvHeaderError) throw new CliError(`${path}: ${err.message}`);
    throw err;
  }
}
