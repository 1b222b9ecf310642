/**
 * Batches of JSON Lines, as bytes, through the desensitizer or the inventory: what the CLI's workers
 * run on each chunk of an input; the gateway Lambda runs both in one pass (`desensitizeAndScanJsonl`),
 * each line read once. Bytes in, so that decoding is strict: a line
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
import { isJsonNumber } from './json/json-number';
import { readJsonLine } from './json/read-record';
import { sharingFindings } from './detectors/shared-findings';
import type { DuplicateKey } from './json/exact-parser';
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

/** One plan's work in a pass: its writer, and where its written records hold the subject (if they are counted). */
interface PlanPass {
  readonly plan: DesensitizePlan;
  readonly batch: BatchWriter;
  readonly subject?: readonly string[];
  readonly subjects?: string[];
}

/**
 * The value at `path` of a record as written, read from the record itself rather than from its
 * output line: objects and arrays are walked (as `JSON.parse` of the line would give them), an
 * exact number is a number there and has no members. Only a string is a subject's token.
 */
function subjectAt(record: Record<string, unknown>, path: readonly string[]): string | undefined {
  let value: unknown = record;
  for (const name of path) value = value !== null && typeof value === 'object' && !isJsonNumber(value) ? (value as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Hands one record to the inventory (when given), then to every plan. */
function readRecord(record: { value: unknown; duplicates: readonly DuplicateKey[]; exact: boolean; lineNumber: number }, plans: readonly PlanPass[], inventory: Inventory | undefined): void {
  const { value, duplicates, exact, lineNumber } = record;
  inventory?.addRecord(value, duplicates);
  for (const { plan, batch, subject, subjects } of plans) {
    batch.read++;
    const result = desensitizeRecord(value, plan, duplicates);
    if (result.status !== 'written') {
      batch.refuse(lineNumber, result.reason, result.detail, result.field);
      continue;
    }
    batch.write(exact ? stringifyExact(result.record) : JSON.stringify(result.record), result.counts, result.mismatches);
    if (subject !== undefined) {
      const token = subjectAt(result.record, subject);
      if (token !== undefined) subjects?.push(token);
    }
  }
}

/**
 * Reads each line once and hands the record to the inventory (when given) and to every plan; with
 * more than one reader, each value is scanned once for all of them (`shared-findings.ts`).
 */
function passJsonl(bytes: Uint8Array, plans: readonly PlanPass[], inventory: Inventory | undefined, options: BatchOptions): void {
  const share = (inventory === undefined ? 0 : 1) + plans.length > 1;
  const refuse = (lineNumber: number, reason: QuarantineReasonCode, detail: string): void => {
    inventory?.addInvalid(reason);
    for (const { batch } of plans) {
      batch.read++;
      batch.refuse(lineNumber, reason, detail);
    }
  };
  forEachLine(
    bytes,
    (buffer, start, end, lineNumber) => {
      const read = readJsonLine(buffer, start, end, MAX_DEPTH);
      if (!read.ok) {
        refuse(lineNumber, read.reason, read.detail);
        return;
      }
      const record = { value: read.value, duplicates: read.duplicates, exact: read.exact, lineNumber };
      if (share) sharingFindings(() => readRecord(record, plans, inventory));
      else readRecord(record, plans, inventory);
    },
    refuse,
    options,
  );
}

/** The batch desensitized under one rule (the CLI's workers). */
export function desensitizeJsonl(bytes: Uint8Array, plan: DesensitizePlan, options: BatchOptions = {}): DesensitizedBatch {
  const batch = new BatchWriter();
  passJsonl(bytes, [{ plan, batch }], undefined, options);
  return batch.finish(countLines(bytes));
}

/** One plan of a combined pass, with the path of the field whose token identifies the data subject, when subjects are counted. */
export interface PassPlan {
  readonly plan: DesensitizePlan;
  /** @default subjects are not collected */
  readonly subjectPath?: readonly string[];
}

/** A plan's batch from a combined pass, with the subject tokens of its written records (in order, repeats kept) when asked. */
export interface PassedBatch extends DesensitizedBatch {
  readonly subjects?: readonly string[];
}

/**
 * The gateway's one pass over a batch: every line is read once, added to the inventory (what the
 * declaration says the object held, records and refused lines alike, exactly as `scanJsonl` counts
 * them) and desensitized under every plan (exactly as `desensitizeJsonl`). Each plan that has a
 * `subjectPath` also gets the subject token of each record it wrote, taken from the record as written.
 */
export function desensitizeAndScanJsonl(
  bytes: Uint8Array,
  pass: { readonly plans: readonly PassPlan[]; readonly inventory: Inventory },
  options: BatchOptions = {},
): PassedBatch[] {
  const plans: PlanPass[] = pass.plans.map(({ plan, subjectPath }) =>
    subjectPath === undefined ? { plan, batch: new BatchWriter() } : { plan, batch: new BatchWriter(), subject: subjectPath, subjects: [] },
  );
  passJsonl(bytes, plans, pass.inventory, options);
  const lines = countLines(bytes);
  return plans.map(({ batch, subjects }) => (subjects === undefined ? batch.finish(lines) : { ...batch.finish(lines), subjects }));
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
