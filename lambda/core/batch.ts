/**
 * What every batch of records (JSON Lines or CSV, in the CLI's workers and in the gateway) shares:
 * the input limits, the reasons a record is not written, and the writer that keeps
 * read = written + quarantined.
 */
import type { QuarantineReason } from './desensitize';
import { addCounts, emptyCounts, type TransformCounts } from './transforms';

/** The longest record read, in bytes of UTF-8 (a JSON line, or a CSV record with its quoted newlines). */
export const MAX_RECORD_BYTES = 1 << 20;
/** The deepest nesting of objects and arrays in a JSON record (the record itself is level 1). */
export const MAX_DEPTH = 64;

export type RecordFormat = 'jsonl' | 'csv';

/** Why a record was not written. */
export type QuarantineReasonCode = 'invalid_utf8' | 'too_long' | 'too_deep' | 'unparseable' | QuarantineReason;

/** A record that was not written, and why. Never the record itself: the source stays the only copy. */
export interface QuarantineEntry {
  readonly line: number;
  readonly reason: QuarantineReasonCode;
  readonly detail: string;
}

export interface DesensitizedBatch {
  /** Physical lines the batch spans (to number the next batch's lines). */
  readonly lines: number;
  readonly read: number;
  readonly written: number;
  /** Output records, each followed by a newline. */
  readonly output: string;
  readonly quarantine: QuarantineEntry[];
  readonly counts: TransformCounts;
  /** Kept values that did not have their shape, by the rule's field path (redacted or quarantined). */
  readonly shapeMismatches: Record<string, number>;
}

export const TOO_LONG_DETAIL = `longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes, the limit for one record`;
export const INVALID_UTF8_DETAIL = 'not valid UTF-8: quarantined instead of being decoded with replacement characters';

export class BatchWriter {
  read = 0;
  written = 0;
  output = '';
  readonly quarantine: QuarantineEntry[] = [];
  readonly counts = emptyCounts();
  readonly shapeMismatches: Record<string, number> = {};

  private mismatch(field: string): void {
    this.shapeMismatches[field] = (this.shapeMismatches[field] ?? 0) + 1;
  }

  write(text: string, counts: TransformCounts, mismatches?: readonly string[]): void {
    this.written++;
    this.output += text + '\n';
    addCounts(this.counts, counts);
    if (mismatches !== undefined) for (const field of mismatches) this.mismatch(field);
  }

  refuse(line: number, reason: QuarantineReasonCode, detail: string, field?: string): void {
    this.quarantine.push({ line, reason, detail });
    if (field !== undefined) this.mismatch(field);
  }

  finish(lines: number): DesensitizedBatch {
    const { read, written, output, quarantine, counts, shapeMismatches } = this;
    return { lines, read, written, output, quarantine, counts, shapeMismatches };
  }
}

export interface BatchOptions {
  /**
   * The batch begins the input, so a UTF-8 byte order mark there is skipped. A reader that cuts a
   * file into batches skips it itself and passes false: a batch boundary must change nothing.
   * @default true
   */
  readonly startOfInput?: boolean;
}

/** The batch's bytes as a Buffer view (no copy), without the byte order mark that may begin the input. */
export function batchBuffer(bytes: Uint8Array, options: BatchOptions = {}): Buffer {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const start = bom && (options.startOfInput ?? true) ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
}

/** Physical lines in a batch: newlines, plus one for a last line without a newline. */
export function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? lines + 1 : lines;
}
