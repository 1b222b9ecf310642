/**
 * A small RFC 4180 reader and writer: comma-separated, fields optionally quoted with `"`, a quote
 * inside a quoted field doubled, records ending in LF or CRLF, newlines allowed inside quotes.
 * Lines without a quote take a fast path (a plain split); blank lines are skipped.
 */

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line (within the parsed text) where the record starts. */
  readonly line: number;
}

export interface CsvProblem {
  readonly line: number;
  readonly detail: string;
}

export interface ParsedCsv {
  readonly records: CsvRecord[];
  readonly problems: CsvProblem[];
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline;
}

function withoutCr(text: string, from: number, to: number): string {
  return to > from && text.charCodeAt(to - 1) === CR ? text.slice(from, to - 1) : text.slice(from, to);
}

/**
 * Parses one record that contains quotes, starting at `pos`. Returns the fields, where the next
 * record starts, and how many newlines the record spans; or a problem when it is malformed.
 */
function parseQuotedRecord(text: string, pos: number): { fields: string[]; next: number; newlines: number } | { problem: string; next: number; newlines: number } {
  const fields: string[] = [];
  let newlines = 0;
  for (;;) {
    let value = '';
    if (text.charCodeAt(pos) === QUOTE) {
      pos++;
      for (;;) {
        const quote = text.indexOf('"', pos);
        if (quote === -1) return { problem: 'a quoted field is never closed', next: text.length, newlines: newlines + countNewlines(text, pos, text.length) };
        value += text.slice(pos, quote);
        newlines += countNewlines(text, pos, quote);
        if (text.charCodeAt(quote + 1) === QUOTE) {
          value += '"';
          pos = quote + 2;
        } else {
          pos = quote + 1;
          break;
        }
      }
    } else {
      const start = pos;
      while (pos < text.length && !isFieldEnd(text.charCodeAt(pos))) pos++;
      value = text.slice(start, pos);
      if (text.charCodeAt(pos) === QUOTE) {
        const end = lineEnd(text, pos);
        return { problem: 'a quote appears inside an unquoted field', next: end + 1, newlines: newlines + 1 };
      }
    }
    fields.push(value);
    const c = text.charCodeAt(pos);
    if (c === COMMA) {
      pos++;
      continue;
    }
    if (pos >= text.length) return { fields, next: pos, newlines };
    if (c === LF) return { fields, next: pos + 1, newlines: newlines + 1 };
    if (c === CR && text.charCodeAt(pos + 1) === LF) return { fields, next: pos + 2, newlines: newlines + 1 };
    const end = lineEnd(text, pos);
    return { problem: 'unexpected text after a closing quote', next: end + 1, newlines: newlines + 1 };
  }
}

function isFieldEnd(code: number): boolean {
  return code === COMMA || code === LF || code === QUOTE || code === CR;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function parseCsv(text: string): ParsedCsv {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const end = lineEnd(text, pos);
    const raw = withoutCr(text, pos, end);
    if (raw === '') {
      pos = end + 1;
      line++;
      continue;
    }
    if (!raw.includes('"')) {
      records.push({ fields: raw.split(','), line });
      pos = end + 1;
      line++;
      continue;
    }
    const parsed = parseQuotedRecord(text, pos);
    if ('problem' in parsed) problems.push({ line, detail: parsed.problem });
    else records.push({ fields: parsed.fields, line });
    pos = parsed.next;
    line += parsed.newlines;
  }
  return { records, problems };
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function formatCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsvRow(values: readonly string[]): string {
  return values.map(formatCsvField).join(',');
}
