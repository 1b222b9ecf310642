/**
 * Reads an input file as batches of whole records (about BATCH_BYTES each), so workers can decode
 * and process batches independently: JSON Lines batches end at a newline, CSV batches at a newline
 * outside quotes (a quoted field may span lines). A CSV file's header record is returned apart.
 */
import { createReadStream } from 'node:fs';
import { csvLayout, CsvHeaderError, parseCsv, type CsvLayout, type RecordFormat } from '../../lambda/core';
import { CliError } from './io';

export const BATCH_BYTES = 1 << 20;
const LF = 10;
const QUOTE = 34;
const COMMA = 44;
const CR = 13;

enum CsvState {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  BadLine,
}

/** Tracks CSV quoting across chunks, with the same rules as the core CSV parser. */
class CsvRecordEnds {
  private state = CsvState.FieldStart;

  /** Index just past the last record end in `bytes` (or the first one, if `first`), or -1. */
  scan(bytes: Uint8Array, first = false): number {
    let lastEnd = -1;
    let state = this.state;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      switch (state) {
        case CsvState.Quoted: {
          const quote = bytes.indexOf(QUOTE, i);
          if (quote === -1) i = bytes.length;
          else {
            i = quote;
            state = CsvState.QuoteInQuoted;
          }
          continue;
        }
        case CsvState.QuoteInQuoted:
          if (b === QUOTE) state = CsvState.Quoted;
          else if (b === COMMA) state = CsvState.FieldStart;
          else if (b !== LF && b !== CR) state = CsvState.BadLine;
          break;
        case CsvState.FieldStart:
          if (b === QUOTE) state = CsvState.Quoted;
          else if (b !== COMMA && b !== LF) state = CsvState.Unquoted;
          break;
        case CsvState.Unquoted:
          if (b === COMMA) state = CsvState.FieldStart;
          else if (b === QUOTE) state = CsvState.BadLine;
          break;
        case CsvState.BadLine:
          break;
      }
      // Quoted content, newlines included, was skipped by the jump above: this LF ends a record.
      if (b === LF) {
        state = CsvState.FieldStart;
        lastEnd = i + 1;
        if (first) break;
      }
    }
    this.state = state;
    return lastEnd;
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

function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Record-aligned batches of a file; each batch is a fresh copy its consumer may transfer. */
async function* recordBatches(path: string, format: RecordFormat, batchBytes: number, progress: { bytes: number }): AsyncGenerator<Uint8Array> {
  const csv = format === 'csv' ? new CsvRecordEnds() : undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let firstChunk = true;
  for await (const read of createReadStream(path, { highWaterMark: batchBytes })) {
    let chunk = read as Buffer;
    progress.bytes += chunk.length;
    if (firstChunk && startsWithBom(chunk)) chunk = chunk.subarray(3);
    firstChunk = false;
    const end = csv ? csv.scan(chunk) : chunk.lastIndexOf(LF) + 1;
    if (end <= 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      continue;
    }
    pending.push(chunk.subarray(0, end));
    yield new Uint8Array(concat(pending));
    pending = end < chunk.length ? [chunk.subarray(end)] : [];
    pendingBytes = chunk.length - end;
  }
  if (pendingBytes > 0) yield new Uint8Array(concat(pending));
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
  const bytes = first.value;
  const headerEnd = new CsvRecordEnds().scan(bytes, true);
  const headerBytes = headerEnd === -1 ? bytes : bytes.subarray(0, headerEnd);
  const headerText = Buffer.from(headerBytes).toString('utf8');
  const header = parseCsv(headerText).records[0]?.fields;
  if (header === undefined) {
    await close();
    // Reading on would take the first record for the header, or drop the whole file as empty.
    throw new CliError(`${path}: the first line of a CSV file must be its header, found an empty line`);
  }
  const headerLines = headerText.split('\n').length - (headerText.endsWith('\n') ? 1 : 0);
  const rest = headerEnd === -1 ? undefined : bytes.slice(headerEnd);
  async function* withRest(): AsyncGenerator<Uint8Array> {
    if (rest !== undefined && rest.length > 0) yield rest;
    yield* batches;
  }
  return { header, headerLines, batches: withRest(), bytesRead, close };
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
