/**
 * Whole batches of records as text (JSON Lines or CSV) through the desensitizer or the inventory:
 * what the CLI's workers and the gateway Lambda run on each chunk of an input file. Lines are
 * numbered from 1 within the batch; the caller adds the batch's offset. Blank lines are skipped and
 * not counted as records.
 */
import { formatCsvRow, parseCsv } from './csv';
import { findIdentifiers } from './detectors/identifiers';
import { errorMessage } from './errors';
import { desensitizeRecord, transformForPath, type DesensitizePlan } from './desensitize';
import type { Inventory } from './scan';
import { addCounts, emptyCounts, isPlainObject, setField, type TransformCounts } from './transforms';

export type RecordFormat = 'jsonl' | 'csv';

export type QuarantineReasonCode = 'unparseable' | 'not_an_object' | 'sensitive_auth_data';

/** A record that was not written, and why. Never the record itself: the source stays the only copy. */
export interface QuarantineEntry {
  readonly line: number;
  readonly reason: QuarantineReasonCode;
  readonly detail: string;
}

export interface DesensitizedBatch {
  /** Physical lines the batch text spans (to number the next batch's lines). */
  readonly lines: number;
  readonly read: number;
  readonly written: number;
  /** Output records, each followed by a newline. */
  readonly output: string;
  readonly quarantine: QuarantineEntry[];
  readonly counts: TransformCounts;
}

export function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

const JSON_POSITION = /position (\d+)/;

function unparseableJson(err: unknown): string {
  // V8's message can quote the input; only the position is kept, so no record content leaks here.
  const position = JSON_POSITION.exec(errorMessage(err));
  return position ? `not valid JSON (at character ${Number(position[1]) + 1})` : 'not valid JSON';
}

/** Calls `each(line, lineNumber)` for every non-blank line (a trailing CR removed). */
function forEachLine(text: string, each: (line: string, lineNumber: number) => void): void {
  let lineNumber = 0;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    lineNumber++;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (line.trim() !== '') each(line, lineNumber);
    start = end + 1;
  }
}

class BatchWriter {
  read = 0;
  written = 0;
  output = '';
  readonly quarantine: QuarantineEntry[] = [];
  readonly counts = emptyCounts();

  write(line: string, counts: TransformCounts): void {
    this.written++;
    this.output += line + '\n';
    addCounts(this.counts, counts);
  }

  refuse(line: number, reason: QuarantineReasonCode, detail: string): void {
    this.quarantine.push({ line, reason, detail });
  }

  finish(text: string): DesensitizedBatch {
    const { read, written, output, quarantine, counts } = this;
    return { lines: countLines(text), read, written, output, quarantine, counts };
  }
}

export function desensitizeJsonl(text: string, plan: DesensitizePlan): DesensitizedBatch {
  const batch = new BatchWriter();
  forEachLine(text, (line, lineNumber) => {
    batch.read++;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      batch.refuse(lineNumber, 'unparseable', unparseableJson(err));
      return;
    }
    const result = desensitizeRecord(record, plan);
    if (result.status === 'written') batch.write(JSON.stringify(result.record), result.counts);
    else batch.refuse(lineNumber, result.reason, result.detail);
  });
  return batch.finish(text);
}

export function scanJsonl(text: string, inventory: Inventory): number {
  forEachLine(text, (line) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      inventory.addInvalid();
      return;
    }
    inventory.addRecord(record);
  });
  return countLines(text);
}

/** A CSV header whose dotted column names (`payer.idNumber`) become nested record fields. */
export interface CsvLayout {
  readonly columns: readonly string[];
  readonly paths: readonly (readonly string[])[];
}

export class CsvHeaderError extends Error {}

export function csvLayout(header: readonly string[]): CsvLayout {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const column of header) {
    if (column.trim() === '' || column.split('.').some((name) => name === '' || name === '__proto__')) {
      problems.push(`column name ${JSON.stringify(column)} is empty or has an empty or reserved segment`);
    } else if (seen.has(column)) {
      problems.push(`column ${JSON.stringify(column)} appears twice`);
    } else if (findIdentifiers(column).length > 0) {
      problems.push(`column name ${JSON.stringify(column)} contains what looks like personal data`);
    }
    seen.add(column);
  }
  for (const column of seen) {
    if (column.includes('.') && seen.has(column.slice(0, column.lastIndexOf('.')))) {
      problems.push(`columns ${JSON.stringify(column.slice(0, column.lastIndexOf('.')))} and ${JSON.stringify(column)} conflict: one cannot hold both a value and fields`);
    }
  }
  if (problems.length > 0) throw new CsvHeaderError(`invalid CSV header: ${problems.join('; ')}`);
  return { columns: header, paths: header.map((column) => column.split('.')) };
}

function csvRecord(fields: readonly string[], layout: CsvLayout): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  layout.paths.forEach((path, column) => {
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

function eachCsvRecord(
  text: string,
  layout: CsvLayout,
  onRecord: (record: Record<string, unknown>, line: number) => void,
  onProblem: (line: number, detail: string) => void,
): void {
  const parsed = parseCsv(text);
  for (const problem of parsed.problems) onProblem(problem.line, problem.detail);
  for (const { fields, line } of parsed.records) {
    if (fields.length !== layout.columns.length) onProblem(line, `expected ${layout.columns.length} fields, found ${fields.length}`);
    else onRecord(csvRecord(fields, layout), line);
  }
}

export function desensitizeCsv(text: string, layout: CsvLayout, outputColumns: readonly number[], plan: DesensitizePlan): DesensitizedBatch {
  const batch = new BatchWriter();
  eachCsvRecord(
    text,
    layout,
    (record, line) => {
      batch.read++;
      const result = desensitizeRecord(record, plan);
      if (result.status === 'quarantined') batch.refuse(line, result.reason, result.detail);
      else batch.write(formatCsvRow(outputColumns.map((column) => csvCell(valueAt(result.record, layout.paths[column])))), result.counts);
    },
    (line, detail) => {
      batch.read++;
      batch.refuse(line, 'unparseable', `not a valid CSV record (${detail})`);
    },
  );
  // Quarantine entries come in line order whatever kind of problem caused them.
  batch.quarantine.sort((a, b) => a.line - b.line);
  return batch.finish(text);
}

export function scanCsv(text: string, layout: CsvLayout, inventory: Inventory): number {
  eachCsvRecord(
    text,
    layout,
    (record) => inventory.addRecord(record),
    () => inventory.addInvalid(),
  );
  return countLines(text);
}
