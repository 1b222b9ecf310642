/**
 * Batches of JSON Lines, as bytes, through the desensitizer or the inventory: what the CLI's workers
 * and the gateway Lambda run on each chunk of an input. Bytes in, so that decoding is strict: a line
 * that is not valid UTF-8 is quarantined, never decoded with replacement characters. Lines are
 * numbered from 1 within the batch (the caller adds the batch's offset); lines holding only spaces,
 * tabs or a CR are skipped and not counted as records.
 *
 * Each line is refused, with its number and reason, when it is longer than MAX_RECORD_BYTES, not
 * UTF-8, nested deeper than MAX_DEPTH, or not JSON; the batch always goes on, and
 * read = written + quarantined holds for every batch.
 */
import { isUtf8 } from 'node:buffer';
import {
  BatchWriter,
  countLines,
  INVALID_UTF8_DETAIL,
  MAX_DEPTH,
  MAX_RECORD_BYTES,
  TOO_LONG_DETAIL,
  batchBuffer,
  type BatchOptions,
  type DesensitizedBatch,
  type QuarantineReasonCode,
} from './batch';
import { desensitizeRecord, type DesensitizePlan } from './desensitize';
import { readJsonLine } from './json/read-record';
import { stringifyExact } from './json/stringify-exact';
import type { Inventory } from './scan';

/** A line that may be read: bytes[start, end) of valid UTF-8, without its line end. */
type OnLine = (bytes: Buffer, start: number, end: number, lineNumber: number) => void;
type OnRefused = (lineNumber: number, reason: QuarantineReasonCode, detail: string) => void;

function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * Calls `onLine` for every non-blank line of the batch that is within the size limit and valid
 * UTF-8, `onRefused` for every other non-blank line. Lines are found on the bytes (a newline byte
 * never occurs inside a multi-byte character); a valid batch is checked for UTF-8 once.
 */
export function forEachLine(bytes: Uint8Array, onLine: OnLine, onRefused: OnRefused, options: BatchOptions = {}): void {
  const buffer = batchBuffer(bytes, options);
  const valid = isUtf8(buffer);
  let lineNumber = 0;
  for (let start = 0; start < buffer.length; ) {
    const newline = buffer.indexOf(10, start);
    const next = newline === -1 ? buffer.length : newline + 1;
    let end = newline === -1 ? buffer.length : newline;
    if (end > start && buffer[end - 1] === 13) end--;
    lineNumber++;
    if (end - start > MAX_RECORD_BYTES) onRefused(lineNumber, 'too_long', TOO_LONG_DETAIL);
    else if (!valid && !isUtf8(buffer.subarray(start, end))) onRefused(lineNumber, 'invalid_utf8', INVALID_UTF8_DETAIL);
    else if (!isBlank(buffer, start, end)) onLine(buffer, start, end, lineNumber);
    start = next;
  }
}

export function desensitizeJsonl(bytes: Uint8Array, plan: DesensitizePlan, options: BatchOptions = {}): DesensitizedBatch {
  const batch = new BatchWriter();
  forEachLine(
    bytes,
    (buffer, start, end, lineNumber) => {
      batch.read++;
      const read = readJsonLine(buffer, start, end, MAX_DEPTH);
      if (!read.ok) {
        batch.refuse(lineNumber, read.reason, read.detail);
        return;
      }
      const result = desensitizeRecord(read.value, plan, read.duplicates);
      if (result.status === 'written') batch.write(read.exact ? stringifyExact(result.record) : JSON.stringify(result.record), result.counts, result.mismatches);
      else batch.refuse(lineNumber, result.reason, result.detail, result.field);
    },
    (lineNumber, reason, detail) => {
      batch.read++;
      batch.refuse(lineNumber, reason, detail);
    },
    options,
  );
  return batch.finish(countLines(bytes));
}

/** Adds every line of the batch to the inventory; returns the physical lines the batch spans. */
export function scanJsonl(bytes: Uint8Array, inventory: Inventory, options: BatchOptions = {}): number {
  forEachLine(
    bytes,
    (buffer, start, end) => {
      const read = readJsonLine(buffer, start, end, MAX_DEPTH);
      if (read.ok) inventory.addRecord(read.value, read.duplicates);
      else inventory.addInvalid(read.reason);
    },
    (_lineNumber, reason) => inventory.addInvalid(reason),
    options,
  );
  return countLines(bytes);
}
