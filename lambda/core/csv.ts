/**
 * An RFC 4180 reader and writer: comma-separated (or another one-byte delimiter: `;`, tab, `|`; comma
 * by default, which is what the gate reads), fields optionally quoted with `"`, a quote inside
 * a quoted field doubled, records ending in LF or CRLF, newlines allowed inside quotes; empty lines
 * are skipped.
 *
 * Records are found on the bytes, so that a stream can be cut into batches at record ends and each
 * batch read on its own (`CsvScanner`). A record that cannot be read (a quote never closed, text
 * after a closing quote, a quote inside an unquoted field, more than the record size limit) is its
 * first physical line only, and reading starts again on the next line: a stray quote costs the line
 * it is on, never the rest of the file. Whether a record can be read depends only on its own bytes
 * up to the point of decision (or the end of the input), so a cut at any record end the scanner
 * reported gives the same records on both sides of it.
 *
 * Measured against `csv-parse` (bench/csv-readers.ts) and checked against it on generated files
 * (test/lambda/core/csv.test.ts): the same records for every well-formed file, and faster here, since
 * a line without a quote is found with two `indexOf` calls and split natively. `csv-parse` has no way
 * to resume after an unclosed quote (everything after it is one field).
 */
import { MAX_RECORD_BYTES } from './batch';

const QUOTE = 34;

/** The delimiters a CSV file may use: comma (RFC 4180, the default), semicolon, tab and pipe. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];
export const DEFAULT_CSV_DELIMITER: CsvDelimiter = ',';

export function isCsvDelimiter(value: string): value is CsvDelimiter {
  return (CSV_DELIMITERS as readonly string[]).includes(value);
}

/** How a delimiter is named in messages: `","`, `";"`, `tab`, `"|"`. */
export function describeDelimiter(delimiter: CsvDelimiter): string {
  return delimiter === '\t' ? 'tab' : JSON.stringify(delimiter);
}
const CR = 13;
const LF = 10;

/** Where one record lies in the bytes, and whether it can be read. */
export interface CsvSpan {
  readonly start: number;
  /** Just past the record's line end (or the end of the input). */
  readonly end: number;
  /** Physical lines the record spans. */
  readonly lines: number;
  /** An empty line: not a record. */
  readonly blank?: boolean;
  /** Why the record cannot be read; it is then its first line only. */
  readonly problem?: string;
  /** The record's first line is longer than the limit. */
  readonly tooLong?: boolean;
}

export class CsvScanner {
  private nextQuote = -1;
  private readonly delimiter: number;

  /**
   * @param final whether `bytes` end the input; when not, a record that reaches their end is left undecided
   * @param limit the longest record, in bytes
   * @param delimiter the field delimiter @default ','
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly final: boolean,
    private readonly limit = MAX_RECORD_BYTES,
    delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  private quoteFrom(pos: number): number {
    if (this.nextQuote !== -2 && this.nextQuote < pos) this.nextQuote = this.bytes.indexOf(QUOTE, pos);
    if (this.nextQuote === -1) this.nextQuote = -2;
    return this.nextQuote === -2 ? -1 : this.nextQuote;
  }

  private countNewlines(from: number, to: number): number {
    let n = 0;
    for (let i = this.bytes.indexOf(LF, from); i !== -1 && i < to; i = this.bytes.indexOf(LF, i + 1)) n++;
    return n;
  }

  private ok(start: number, end: number): CsvSpan {
    const newlines = this.countNewlines(start, end);
    return { start, end, lines: end > start && this.bytes[end - 1] === LF ? newlines : newlines + 1 };
  }

  /** The record is its first line only; undecided when that line is not complete yet. */
  private failed(start: number, problem: string): CsvSpan | undefined {
    const lf = this.bytes.indexOf(LF, start);
    if (lf === -1 && !this.final) return undefined;
    const end = lf === -1 ? this.bytes.length : lf + 1;
    const tooLong = (lf === -1 ? this.bytes.length : lf) - start > this.limit;
    return tooLong ? { start, end, lines: 1, tooLong, problem: 'too long' } : { start, end, lines: 1, problem };
  }

  /** The record (or empty line) starting at `start`, or undefined when more bytes are needed to decide. */
  next(start: number): CsvSpan | undefined {
    const bytes = this.bytes;
    const length = bytes.length;
    if (bytes[start] === LF) return { start, end: start + 1, lines: 1, blank: true };
    if (bytes[start] === CR && bytes[start + 1] === LF) return { start, end: start + 2, lines: 1, blank: true };
    const lf = bytes.indexOf(LF, start);
    const lineEnd = lf === -1 ? length : lf;
    const quote = this.quoteFrom(start);
    if (quote === -1 || quote >= lineEnd) {
      if (lf === -1 && !this.final) return undefined;
      if (lineEnd - start > this.limit) return { start, end: lf === -1 ? length : lf + 1, lines: 1, tooLong: true, problem: 'too long' };
      return { start, end: lf === -1 ? length : lf + 1, lines: 1 };
    }
    return this.quotedRecord(start);
  }

  /** The state machine for a record with a quote in its first line. */
  private quotedRecord(start: number): CsvSpan | undefined {
    const bytes = this.bytes;
    const length = bytes.length;
    const limit = start + this.limit;
    const delimiter = this.delimiter;
    let pos = start;
    for (;;) {
      if (pos >= length) return this.final ? this.ok(start, length) : undefined;
      if (bytes[pos] === QUOTE) {
        pos++;
        for (;;) {
          const close = bytes.indexOf(QUOTE, pos);
          if (close === -1 || close > limit) {
            if (close === -1 && !this.final && length <= limit) return undefined;
            return this.failed(start, 'a quoted field is never closed');
          }
          pos = close + 1;
          if (pos >= length) return this.final ? this.ok(start, length) : undefined;
          if (bytes[pos] !== QUOTE) break;
          pos++;
        }
        const after = bytes[pos];
        if (after === delimiter) {
          pos++;
          continue;
        }
        if (after === LF) return this.ok(start, pos + 1);
        if (after === CR && pos + 1 >= length) return this.final ? this.ok(start, length) : undefined;
        if (after === CR && bytes[pos + 1] === LF) return this.ok(start, pos + 2);
        return this.failed(start, 'unexpected text after a closing quote');
      }
      while (pos < length && pos <= limit) {
        const c = bytes[pos];
        if (c === delimiter || c === LF || c === QUOTE) break;
        pos++;
      }
      if (pos > limit) return this.failed(start, 'too long');
      if (pos >= length) return this.final ? this.ok(start, length) : undefined;
      const c = bytes[pos];
      if (c === delimiter) pos++;
      else if (c === LF) return this.ok(start, pos + 1);
      else return this.failed(start, 'a quote appears inside an unquoted field');
    }
  }
}

/**
 * Offset just past the last record of `bytes` that is decided when more bytes may follow (0 if
 * none): where a stream can be cut into batches.
 */
export function csvDecidedEnd(bytes: Uint8Array, limit = MAX_RECORD_BYTES, delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): number {
  const scanner = new CsvScanner(bytes, false, limit, delimiter);
  let end = 0;
  while (end < bytes.length) {
    const span = scanner.next(end);
    if (span === undefined) break;
    end = span.end;
  }
  return end;
}

/** The fields of one well-formed record (as scanned), its line end included or not. */
export function csvFields(record: string, delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): string[] {
  let text = record;
  if (text.charCodeAt(text.length - 1) === LF) text = text.slice(0, -1);
  if (text.charCodeAt(text.length - 1) === CR) text = text.slice(0, -1);
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let pos = 0;
  for (;;) {
    let value = '';
    if (text.charCodeAt(pos) === QUOTE) {
      pos++;
      for (;;) {
        const close = text.indexOf('"', pos);
        value += text.slice(pos, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          pos = close + 2;
        } else {
          pos = close + 1;
          break;
        }
      }
    } else {
      const comma = text.indexOf(delimiter, pos);
      const end = comma === -1 ? text.length : comma;
      value = text.slice(pos, end);
      pos = end;
    }
    fields.push(value);
    if (pos >= text.length) return fields;
    pos++; // the delimiter
    if (pos === text.length) {
      fields.push('');
      return fields;
    }
  }
}

const NEEDS_QUOTES = /["\r\n]|^\s|\s$/;

export function formatCsvField(value: string, delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): string {
  return NEEDS_QUOTES.test(value) || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsvRow(values: readonly string[], delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): string {
  return values.map((value) => formatCsvField(value, delimiter)).join(delimiter);
}

/** A record of a whole CSV text, with the line it starts on (from 1). */
export interface CsvTextRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * A whole CSV text (an S3 Inventory data file, a manifest the tool reads) as records, with the
 * records that cannot be read reported by line, not dropped. The same scanner as the gate's batches.
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): { records: CsvTextRecord[]; problems: { line: number; detail: string }[] } {
  const bytes = Buffer.from(text, 'utf8');
  const scanner = new CsvScanner(bytes, true, MAX_RECORD_BYTES, delimiter);
  const records: CsvTextRecord[] = [];
  const problems: { line: number; detail: string }[] = [];
  let line = 1;
  for (let pos = 0; pos < bytes.length; ) {
    const span = scanner.next(pos);
    if (span === undefined) break;
    if (span.problem !== undefined) problems.push({ line, detail: span.problem });
    else if (!span.blank) records.push({ fields: csvFields(bytes.subarray(span.start, span.end).toString('utf8'), delimiter), line });
    line += span.lines;
    pos = span.end;
  }
  return { records, problems };
}

/** The records at the start of a file, read with one delimiter: how many fields each has, and on which line it starts. */
export interface CsvSample {
  readonly delimiter: CsvDelimiter;
  /** The header's field count (0 when the sample holds no readable header). */
  readonly headerFields: number;
  /** The records after the header: their line (from 1, the header's is 1 or later) and field count. */
  readonly rows: readonly { readonly line: number; readonly fields: number }[];
}

/** How many records a sample reads after the header. */
const SAMPLE_ROWS = 20;

/**
 * The first records of `bytes` (the start of a file), read with `delimiter`, quotes respected.
 * @param final whether `bytes` hold the whole file @default false
 */
export function sampleCsv(bytes: Uint8Array, delimiter: CsvDelimiter, final = false): CsvSample {
  const scanner = new CsvScanner(bytes, final, MAX_RECORD_BYTES, delimiter);
  const decoder = new TextDecoder();
  let headerFields = 0;
  const rows: { line: number; fields: number }[] = [];
  let line = 1;
  for (let pos = 0; pos < bytes.length && rows.length < SAMPLE_ROWS; ) {
    const span = scanner.next(pos);
    if (span === undefined) break;
    if (!span.blank) {
      const fields = span.problem === undefined ? csvFields(decoder.decode(bytes.subarray(span.start, span.end)), delimiter).length : 0;
      if (headerFields === 0) {
        if (span.problem !== undefined) break;
        headerFields = fields;
      } else rows.push({ line, fields });
    }
    line += span.lines;
    pos = span.end;
  }
  return { delimiter, headerFields, rows };
}

function agreement(sample: CsvSample): number {
  if (sample.rows.length === 0) return 1;
  return sample.rows.filter((row) => row.fields === sample.headerFields).length / sample.rows.length;
}

/**
 * The delimiter of a CSV file, guessed from its header and first records: of the delimiters that
 * split the header into two or more fields, the one whose records agree most with the header's field
 * count, then the one giving the most fields, then the earlier in CSV_DELIMITERS. A file whose header
 * no delimiter splits has one column, and is read as comma-separated.
 * @param final whether `bytes` hold the whole file @default false
 */
export function sniffCsvDelimiter(bytes: Uint8Array, final = false): CsvSample {
  let best: CsvSample | undefined;
  for (const delimiter of CSV_DELIMITERS) {
    const sample = sampleCsv(bytes, delimiter, final);
    if (sample.headerFields < 2) continue;
    const better =
      best === undefined ||
      agreement(sample) > agreement(best) ||
      (agreement(sample) === agreement(best) && sample.headerFields > best.headerFields);
    if (better) best = sample;
  }
  return best ?? sampleCsv(bytes, DEFAULT_CSV_DELIMITER, final);
}

/**
 * The first record of a sample whose field count differs from the header's, when most of the sample's
 * records do (the file is not in the dialect it is read with); undefined when the sample agrees.
 * A few odd records are the records' problem (each is quarantined), not the dialect's.
 */
export function csvDialectDisagreement(sample: CsvSample): { readonly line: number; readonly fields: number } | undefined {
  const odd = sample.rows.filter((row) => row.fields !== sample.headerFields);
  return odd.length > 0 && odd.length * 2 > sample.rows.length ? odd[0] : undefined;
}
