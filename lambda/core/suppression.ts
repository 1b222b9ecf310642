/**
 * Which records belong to a suppressed subject, and the batch filter the gate runs before anything
 * is desensitized: `residency desensitize --suppress` and the gateway call `suppressBatch` once per
 * batch, and the records it removes are counted (`suppressed`), so that
 * read = written + quarantined + suppressed.
 *
 * A record's subject identifiers are found two ways, and the union is checked against the list:
 * 1. every identifier the detectors find anywhere in the record (values at any depth, field names,
 *    long numbers, and the raw JSON line itself, so a 19-digit card number written as a JSON number
 *    is matched on its digits, not on a float that lost them), tokenized by its category exactly
 *    as `tokenize` does (so `138 0013 8000` and `+86 13800138000` give one token);
 * 2. the value of each field a rule tokenizes, tokenized as the `token` transform would (a value no
 *    detector recognises becomes `tok_text_…`: customer numbers, account ids);
 * plus any string that already is a token (records that were tokenized before).
 *
 * A record that carries a suppressed person's identifier anywhere (as the payer, or as the
 * counterparty) is withheld: that person's data is in it. Fail closed: a false match withholds a
 * record; a missed one would send an opted-out person's data.
 */
import { parseCsv } from './csv';
import { findIdentifiers, wholeValueCategory } from './detectors/identifiers';
import type { CsvLayout } from './csv-records';
import { TOKEN_PATTERN } from './suppression-list';
import { tokenize, type TokenKey } from './tokens';
import { isPlainObject } from './transforms';

export interface SubjectMatcher {
  readonly key: TokenKey;
  readonly tokens: ReadonlySet<string>;
  /** Dotted paths (as names) of fields rules tokenize. */
  readonly tokenFields: readonly (readonly string[])[];
}

/** A matcher for a list's tokens, the deployment's key, and the `token` fields of the rules in force. */
export function subjectMatcher(options: {
  readonly key: TokenKey;
  readonly tokens: Iterable<string>;
  readonly rules: ReadonlyArray<{ readonly fields: Readonly<Record<string, unknown>> }>;
}): SubjectMatcher {
  const paths = new Set<string>();
  for (const rule of options.rules) {
    for (const [path, transform] of Object.entries(rule.fields)) if (transform === 'token') paths.add(path);
  }
  return { key: options.key, tokens: new Set(options.tokens), tokenFields: [...paths].map((p) => p.split('.')) };
}

/** Shortest number whose decimal form can be an identifier (an 11-digit mobile). */
const SHORTEST_IDENTIFIER_NUMBER = 1e10;

function addIdentifiersOf(text: string, key: TokenKey, into: Set<string>): void {
  if (TOKEN_PATTERN.test(text)) into.add(text);
  for (const match of findIdentifiers(text)) into.add(tokenize(key, match.category, text.slice(match.start, match.end)));
}

function walk(value: unknown, key: TokenKey, into: Set<string>): void {
  if (typeof value === 'string') addIdentifiersOf(value, key, into);
  else if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'bigint' || Math.abs(value) >= SHORTEST_IDENTIFIER_NUMBER) addIdentifiersOf(String(value), key, into);
  } else if (Array.isArray(value)) for (const item of value) walk(item, key, into);
  else if (isPlainObject(value)) {
    for (const name of Object.keys(value)) {
      addIdentifiersOf(name, key, into);
      walk(value[name], key, into);
    }
  }
}

function valuesAt(record: unknown, path: readonly string[]): unknown[] {
  let values: unknown[] = [record];
  for (const name of path) {
    values = values.flatMap((v) => (Array.isArray(v) ? v : [v])).flatMap((v) => (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, name) ? [v[name]] : []));
  }
  return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** The tokens of every subject identifier in a record (and in its raw text, when given). */
export function subjectTokensOf(record: unknown, matcher: Pick<SubjectMatcher, 'key' | 'tokenFields'>, rawText?: string): Set<string> {
  const tokens = new Set<string>();
  walk(record, matcher.key, tokens);
  if (rawText !== undefined) addIdentifiersOf(rawText, matcher.key, tokens);
  for (const path of matcher.tokenFields) {
    for (const value of valuesAt(record, path)) {
      if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
        const text = String(value);
        tokens.add(tokenize(matcher.key, wholeValueCategory(text) ?? 'text', text));
      }
    }
  }
  return tokens;
}

/** Whether any subject of the record is on the list. */
export function isSuppressed(record: unknown, matcher: SubjectMatcher, rawText?: string): boolean {
  if (matcher.tokens.size === 0) return false;
  for (const token of subjectTokensOf(record, matcher, rawText)) if (matcher.tokens.has(token)) return true;
  return false;
}

export interface SuppressedBatch {
  /** The batch with suppressed records' lines emptied: line numbers of the rest are unchanged. */
  readonly text: string;
  readonly suppressed: number;
}

/** Physical lines of a text (a last line without a newline counts). */
function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

/**
 * The lines joined again, spanning as many lines as `original` (an emptied last line without a
 * newline would otherwise vanish, and the next batch's line numbers would shift by one).
 */
function rejoin(lines: readonly string[], original: string): string {
  const text = lines.join('\n');
  return countLines(text) < countLines(original) ? `${text}\n` : text;
}

/** Empties the lines `[from, to)` (1-based) of `lines`. */
function blank(lines: string[], from: number, to: number): void {
  for (let i = from - 1; i < to - 1 && i < lines.length; i++) lines[i] = '';
}

/**
 * A bare JSON number of 16 digits or more (after `:`, `,` or `[`): JSON.parse may round it, so the
 * line's own digits must be read. Other lines need no second scan of their raw text.
 */
const LONG_BARE_NUMBER = /[:,[]\s*-?\d{16,}/;

/**
 * JSON Lines: each line holding a suppressed subject's record becomes empty (blank lines are not
 * records, so the desensitizer neither reads nor counts it). A line that is not JSON is left for
 * the desensitizer to quarantine, unless its raw text already names a suppressed subject.
 */
export function suppressJsonl(text: string, matcher: SubjectMatcher): SuppressedBatch {
  if (matcher.tokens.size === 0) return { text, suppressed: 0 };
  const lines = text.split('\n');
  let suppressed = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = undefined;
    }
    const raw = record === undefined || LONG_BARE_NUMBER.test(line) ? line : undefined;
    if (isSuppressed(record, matcher, raw)) {
      lines[i] = '';
      suppressed++;
    }
  });
  return { text: suppressed === 0 ? text : rejoin(lines, text), suppressed };
}

/** CSV (header apart): a suppressed record's lines, quoted newlines included, become empty. */
export function suppressCsv(text: string, layout: CsvLayout, matcher: SubjectMatcher): SuppressedBatch {
  if (matcher.tokens.size === 0) return { text, suppressed: 0 };
  const parsed = parseCsv(text, layout.delimiter);
  const starts = [...parsed.records.map((r) => r.line), ...parsed.problems.map((p) => p.line)].sort((a, b) => a - b);
  const lines = text.split('\n');
  let suppressed = 0;
  const columnOf = new Map(layout.columns.map((column, i) => [column, i]));
  const tokenColumns = matcher.tokenFields.map((path) => columnOf.get(path.join('.'))).filter((i): i is number => i !== undefined);
  for (const record of parsed.records) {
    const tokens = subjectTokensOf(record.fields, { key: matcher.key, tokenFields: [] });
    for (const column of tokenColumns) {
      const value = record.fields[column];
      if (value !== undefined && value !== '') tokens.add(tokenize(matcher.key, wholeValueCategory(value) ?? 'text', value));
    }
    if ([...tokens].some((t) => matcher.tokens.has(t))) {
      const next = starts.find((s) => s > record.line) ?? lines.length + 1;
      blank(lines, record.line, next);
      suppressed++;
    }
  }
  return { text: suppressed === 0 ? text : rejoin(lines, text), suppressed };
}

/** The one call the gate makes per batch, for either format (`layout` for CSV). */
export function suppressBatch(text: string, layout: CsvLayout | undefined, matcher: SubjectMatcher | undefined): SuppressedBatch {
  if (matcher === undefined) return { text, suppressed: 0 };
  return layout === undefined ? suppressJsonl(text, matcher) : suppressCsv(text, layout, matcher);
}

/**
 * The gateway's form: one filter for a batch before every active rule runs, matching the `token`
 * fields of all of them (the key is the deployment's one, shared by every plan). No list (undefined)
 * or an empty one passes the text through.
 */
export function suppressForPlans(
  text: string,
  plans: ReadonlyArray<{ readonly rule: { readonly fields: Readonly<Record<string, unknown>> }; readonly tokenKey: TokenKey }>,
  tokens: readonly string[] | undefined,
): SuppressedBatch {
  if (tokens === undefined || tokens.length === 0 || plans.length === 0) return { text, suppressed: 0 };
  return suppressJsonl(text, subjectMatcher({ key: plans[0].tokenKey, tokens, rules: plans.map((p) => p.rule) }));
}

/** A byte batch with suppressed records' lines emptied (their newlines kept, so line numbers hold). */
export interface SuppressedBytes {
  readonly bytes: Uint8Array;
  readonly suppressed: number;
}

const LF = 10;
const NEWLINE = Uint8Array.of(LF);
/** Lenient decoding, for matching only: the bytes the gate reads are the original ones, decoded strictly. */
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * The byte form of a text filter: the batch is decoded leniently to find the subjects (a line that is
 * not UTF-8 keeps its newline, since LF is never part of a multi-byte sequence), and the lines the
 * filter emptied are emptied in the original bytes. Everything else reaches the strict core untouched.
 */
function filterBytes(bytes: Uint8Array, filter: (text: string) => SuppressedBatch): SuppressedBytes {
  const text = lenient.decode(bytes);
  const result = filter(text);
  if (result.suppressed === 0) return { bytes, suppressed: 0 };
  const before = text.split('\n');
  const after = result.text.split('\n');
  const emptied = new Set<number>();
  before.forEach((line, i) => {
    if (line !== '' && after[i] === '') emptied.add(i);
  });
  const parts: Uint8Array[] = [];
  let line = 0;
  for (let start = 0; start < bytes.length; line++) {
    const lf = bytes.indexOf(LF, start);
    const end = lf === -1 ? bytes.length : lf;
    if (!emptied.has(line)) parts.push(bytes.subarray(start, end));
    // An emptied last line without a newline keeps one, so the batch still spans as many lines.
    if (lf !== -1 || emptied.has(line)) parts.push(NEWLINE);
    start = end + 1;
  }
  return { bytes: new Uint8Array(Buffer.concat(parts)), suppressed: result.suppressed };
}

/** `suppressBatch` over the bytes the gate reads. */
export function suppressBatchBytes(bytes: Uint8Array, layout: CsvLayout | undefined, matcher: SubjectMatcher | undefined): SuppressedBytes {
  if (matcher === undefined || matcher.tokens.size === 0) return { bytes, suppressed: 0 };
  return filterBytes(bytes, (text) => suppressBatch(text, layout, matcher));
}

/** `suppressForPlans` over the bytes the gate reads. */
export function suppressBytesForPlans(
  bytes: Uint8Array,
  plans: Parameters<typeof suppressForPlans>[1],
  tokens: readonly string[] | undefined,
): SuppressedBytes {
  if (tokens === undefined || tokens.length === 0 || plans.length === 0) return { bytes, suppressed: 0 };
  return filterBytes(bytes, (text) => suppressForPlans(text, plans, tokens));
}
