/**
 * Batches of CSV records, as bytes, through the desensitizer or the inventory (the CSV half of
 * records.ts). The header's dotted column names (`payer.idNumber`) are field paths; an empty cell
 * is a field the record does not have. Records are numbered by the physical line they start on
 * (from 1 within the batch); every record is written or quarantined with its line and reason:
 * not readable as CSV (it is then its first line only, and reading goes on with the next line),
 * longer than MAX_RECORD_BYTES, not UTF-8, or with the wrong number of fields.
 */
import { isUtf8 } from 'node:buffer';
import {
  batchBuffer,
  BatchWriter,
  countLines,
  INVALID_UTF8_DETAIL,
  MAX_RECORD_BYTES,
  TOO_LONG_DETAIL,
  type BatchOptions,
  type DesensitizedBatch,
  type QuarantineReasonCode,
} from './batch';
import { csvFields, CsvScanner, DEFAULT_CSV_DELIMITER, formatCsvRow, type CsvDelimiter } from './csv';
import { desensitizeRecord, transformForPath, type DesensitizePlan } from './desensitize';
import { findIdentifiers } from './detectors/identifiers';
import { describeKey } from './diagnostics';
import type { Inventory } from './scan';
import { isPlainObject, setField } from './transforms';

/** A CSV header whose dotted column names (`payer.idNumber`) become nested record fields. */
export interface CsvLayout {
  readonly columns: readonly string[];
  readonly paths: readonly (readonly string[])[];
  /** The file's field delimiter, used to read its records and to write the output's. @default ',' */
  readonly delimiter?: CsvDelimiter;
}

export class CsvHeaderError extends Error {}

/** A column as a header error may name it: never its name when the name holds an identifier. */
function shownColumn(column: string, index: number): string {
  return findIdentifiers(column).length > 0 ? `column ${index + 1}` : `column ${index + 1} ${JSON.stringify(describeKey(column))}`;
}

/** @param delimiter the file's field delimiter @default ',' */
export function csvLayout(header: readonly string[], delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): CsvLayout {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  header.forEach((column, index) => {
    const found = findIdentifiers(column);
    if (found.length > 0) {
      problems.push(`column ${index + 1}: its name holds what looks like a ${found[0].category} (is the first line a record instead of the header?)`);
    } else if (column.trim() === '' || column.split('.').some((name) => name === '' || name === '__proto__')) {
      problems.push(`${shownColumn(column, index)} is empty or has an empty or reserved segment`);
    } else if (seen.has(column)) {
      problems.push(`${shownColumn(column, index)} repeats column ${(seen.get(column) as number) + 1}`);
    }
    if (!seen.has(column)) seen.set(column, index);
  });
  for (const [column, index] of seen) {
    const parent = column.slice(0, column.lastIndexOf('.'));
    if (column.includes('.') && seen.has(parent)) {
      problems.push(`${shownColumn(parent, seen.get(parent) as number)} and ${shownColumn(column, index)} conflict: one cannot hold both a value and fields`);
    }
  }
  if (problems.length > 0) throw new CsvHeaderError(`invalid CSV header: ${problems.join('; ')}`);
  return { columns: header, paths: header.map((column) => column.split('.')), delimiter };
}

function csvRecord(fields: readonly string[], layout: CsvLayout): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  layout.paths.forEach((path, column) => {
    if (fields[column] === '') return;
    let target = record;
    for (let i = 0; i < path.length - 1; i++) {
      const next = target[path[i]];
      if (isPlainObject(next)) target = next;
      else {
        const created: Record<string, unknown> = {};
        setField(target, path[i], created);
        target = created;
      }
    }
    setField(target, path[path.length - 1], fields[column]);
  });
  return record;
}

function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const name of path) {
    if (!isPlainObject(value) || !Object.prototype.hasOwnProperty.call(value, name)) return undefined;
    value = value[name];
  }
  return value;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The columns a rule lets through, in input order: what the output header holds. */
export function csvOutputColumns(layout: CsvLayout, plan: DesensitizePlan): number[] {
  return layout.paths.flatMap((path, column) => (transformForPath(plan, path) === 'drop' ? [] : [column]));
}

type OnRecord = (fields: string[], line: number) => void;
type OnRefused = (line: number, reason: QuarantineReasonCode, detail: string) => void;

/**
 * Calls `onRecord` for every readable record of the batch, `onRefused` for every other one.
 * @param delimiter the file's field delimiter @default ','
 */
export function forEachCsvRecord(
  bytes: Uint8Array,
  onRecord: OnRecord,
  onRefused: OnRefused,
  options: BatchOptions = {},
  delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER,
): void {
  const buffer = batchBuffer(bytes, options);
  const valid = isUtf8(buffer);
  const scanner = new CsvScanner(buffer, true, MAX_RECORD_BYTES, delimiter);
  let line = 1;
  for (let pos = 0; pos < buffer.length; ) {
    const span = scanner.next(pos);
    if (span === undefined) throw new Error('unreachable: a final scan decides every record');
    if (span.blank) {
      // an empty line is not a record
    } else if (span.tooLong) onRefused(line, 'too_long', TOO_LONG_DETAIL);
    else if (span.problem !== undefined) onRefused(line, 'unparseable', `not a valid CSV record (${span.problem})`);
    else if (!valid && !isUtf8(buffer.subarray(span.start, span.end))) onRefused(line, 'invalid_utf8', INVALID_UTF8_DETAIL);
    else onRecord(csvFields(buffer.toString('utf8', span.start, span.end), delimiter), line);
    line += span.lines;
    pos = span.end;
  }
}

function eachCsvRecord(
  bytes: Uint8Array,
  layout: CsvLayout,
  onRecord: (record: Record<string, unknown>, line: number) => void,
  onRefused: OnRefused,
  options: BatchOptions,
): void {
  forEachCsvRecord(
    bytes,
    (fields, line) => {
      if (fields.length !== layout.columns.length) onRefused(line, 'unparseable', `not a valid CSV record (expected ${layout.columns.length} fields, found ${fields.length})`);
      else onRecord(csvRecord(fields, layout), line);
    },
    onRefused,
    options,
    layout.delimiter,
  );
}

export function desensitizeCsv(
  bytes: Uint8Array,
  layout: CsvLayout,
  outputColumns: readonly number[],
  plan: DesensitizePlan,
  options: BatchOptions = {},
): DesensitizedBatch {
  const batch = new BatchWriter();
  eachCsvRecord(
    bytes,
    layout,
    (record, line) => {
      batch.read++;
      const result = desensitizeRecord(record, plan);
      if (result.status === 'quarantined') batch.refuse(line, result.reason, result.detail, result.field);
      else batch.write(formatCsvRow(outputColumns.map((column) => csvCell(valueAt(result.record, layout.paths[column]))), layout.delimiter), result.counts, result.mismatches);
    },
    (line, reason, detail) => {
      batch.read++;
      batch.refuse(line, reason, detail);
    },
    options,
  );
  return batch.finish(countLines(bytes));
}

export function scanCsv(bytes: Uint8Array, layout: CsvLayout, inventory: Inventory, options: BatchOptions = {}): number {
  eachCsvRecord(
    bytes,
    layout,
    (record) => inventory.addRecord(record),
    (_line, reason) => inventory.addInvalid(reason),
    options,
  );
  return countLines(bytes);
}
