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
  withoutBom,
  type DesensitizedBatch,
  type QuarantineReasonCode,
} from './batch';
import { desensitizeRecord, type DesensitizePlan } from './desensitize';
import { readJsonRecord } from './json/read-record';
import { stringifyExact } from './json/stringify-exact';
import type { Inventory } from './scan';

type OnLine = (line: string, lineNumber: number) => void;
type OnRefused = (lineNumber: number, reason: QuarantineReasonCode, detail: string) => void;

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** A UTF-16 string is at most 3 bytes per code unit in UTF-8: only long ones need measuring. */
function tooLong(line: string): boolean {
  return line.length * 3 > MAX_RECORD_BYTES && Buffer.byteLength(line) > MAX_RECORD_BYTES;
}

/**
 * Calls `onLine` for every non-blank line of the batch that is within the size limit and valid
 * UTF-8, `onRefused` for every other non-blank line. The common case, a valid batch, is decoded once.
 */
export function forEachLine(bytes: Uint8Array, onLine: OnLine, onRefused: OnRefused): void {
  const buffer = withoutBom(bytes);
  if (isUtf8(buffer)) {
    const text = buffer.toString('utf8');
    let lineNumber = 0;
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      lineNumber++;
      const line = withoutCr(text.slice(start, end));
      if (tooLong(line)) onRefused(lineNumber, 'too_long', TOO_LONG_DETAIL);
      else if (!isBlank(line)) onLine(line, lineNumber);
      start = end + 1;
    }
    return;
  }
  let lineNumber = 0;
  for (let start = 0; start < buffer.length; ) {
    const newline = buffer.indexOf(10, start);
    const end = newline === -1 ? buffer.length : newline;
    lineNumber++;
    const lineBytes = buffer.subarray(start, end);
    if (lineBytes.length > MAX_RECORD_BYTES) onRefused(lineNumber, 'too_long', TOO_LONG_DETAIL);
    else if (!isUtf8(lineBytes)) onRefused(lineNumber, 'invalid_utf8', INVALID_UTF8_DETAIL);
    else {
      const line = withoutCr(lineBytes.toString('utf8'));
      if (!isBlank(line)) onLine(line, lineNumber);
    }
    start = end + 1;
  }
}

export function desensitizeJsonl(bytes: Uint8Array, plan: DesensitizePlan): DesensitizedBatch {
  const batch = new BatchWriter();
  forEachLine(
    bytes,
    (line, lineNumber) => {
      batch.read++;
      const read = readJsonRecord(line, MAX_DEPTH);
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
  );
  return batch.finish(countLines(bytes));
}

/** Adds every line of the batch to the inventory; returns the physical lines the batch spans. */
export function scanJsonl(bytes: Uint8Array, inventory: Inventory): number {
  forEachLine(
    bytes,
    (line) => {
      const read = readJsonRecord(line, MAX_DEPTH);
      if (read.ok) inventory.addRecord(read.value, read.duplicates);
      else inventory.addInvalid(read.reason);
    },
    (_lineNumber, reason) => inventory.addInvalid(reason),
  );
  return countLines(bytes);
}
