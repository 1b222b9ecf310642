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
import {
  csvDecidedEnd,
  csvFields,
  csvLayout,
  CsvHeaderError,
  CsvScanner,
  MAX_RECORD_BYTES,
  type CsvLayout,
  type RecordFormat,
} from '../../lambda/core';
import { CliError } from './io';

export const BATCH_BYTES = 1 << 20;
const LF = 10;

/** Cuts every physical line to at most `limit + 1` bytes, across chunks. */
export class LongLineCutter {
  /** Bytes of the current line seen so far (in earlier chunks). */
  private lineBytes = 0;

  constructor(private readonly limit = MAX_RECORD_BYTES) {}

  cut(chunk: Buffer): Buffer {
    const keep = this.limit + 1;
    let parts: Buffer[] | undefined;
    let copiedUpTo = 0;
    let lineBytes = this.lineBytes;
    for (let pos = 0; pos < chunk.length; ) {
      const newline = chunk.indexOf(LF, pos);
      const end = newline === -1 ? chunk.length : newline;
      if (lineBytes + (end - pos) > keep) {
        // This line goes past the limit within [pos, end): pass on only its first `keep` bytes.
        parts ??= [];
        const passUntil = pos + Math.max(0, keep - lineBytes);
        parts.push(chunk.subarray(copiedUpTo, passUntil));
        copiedUpTo = end;
      }
      lineBytes += end - pos;
      if (newline === -1) break;
      lineBytes = 0;
      pos = newline + 1;
    }
    this.lineBytes = lineBytes;
    if (parts === undefined) return chunk;
    parts.push(chunk.subarray(copiedUpTo));
    return Buffer.concat(parts);
  }
}

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

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Where the bytes can be cut so that every record before the cut is complete (0: nowhere yet). */
function recordsEnd(bytes: Buffer, format: RecordFormat): number {
  return format === 'csv' ? csvDecidedEnd(bytes) : bytes.lastIndexOf(LF) + 1;
}

/** Record-aligned batches of a file; each batch is a fresh copy its consumer may transfer. */
async function* recordBatches(path: string, format: RecordFormat, batchBytes: number, progress: { bytes: number }): AsyncGenerator<Uint8Array> {
  const cutter = new LongLineCutter();
  let pending: Buffer = Buffer.alloc(0);
  let firstChunk = true;
  for await (const read of createReadStream(path, { highWaterMark: batchBytes })) {
    let chunk = read as Buffer;
    progress.bytes += chunk.length;
    if (firstChunk && startsWithBom(chunk)) chunk = chunk.subarray(3);
    firstChunk = false;
    const bytes = pending.length === 0 ? cutter.cut(chunk) : Buffer.concat([pending, cutter.cut(chunk)]);
    const end = recordsEnd(bytes, format);
    if (end === 0) {
      pending = bytes;
      continue;
    }
    yield new Uint8Array(bytes.subarray(0, end));
    pending = Buffer.from(bytes.subarray(end));
  }
  if (pending.length > 0) yield new Uint8Array(pending);
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
  const batches = recordBatches(path, format, batchBytes, progress);
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
