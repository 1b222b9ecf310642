/**
 * Reads one JSON Lines record, strictly and without loss.
 *
 * A single pass over the line's bytes (strings skipped with a native byte search) measures the nesting depth, counts
 * the members of all objects (one `:` outside strings each) and checks every number literal
 * outside strings for a lossless round trip through a JavaScript number. Then:
 * - deeper than the limit: refused before any parser recurses into it;
 * - every number round-trips: the native `JSON.parse` (fast), and if the parsed objects hold fewer
 *   members than the line wrote, a key was repeated: the exact reader is run for the details;
 * - otherwise the exact reader (`exact-parser.ts`), which keeps those literals as JsonNumbers.
 * Diagnostics give a position, never the line's content.
 */
import { errorMessage } from '../errors';
import { JsonDepthError, JsonSyntaxError, parseExact, type DuplicateKey } from './exact-parser';
import { roundTrips } from './json-number';

export type JsonRecordRead =
  | {
      readonly ok: true;
      readonly value: unknown;
      /** The value holds JsonNumbers: write it with `stringifyExact`. */
      readonly exact: boolean;
      readonly duplicates: readonly DuplicateKey[];
    }
  | { readonly ok: false; readonly reason: 'unparseable' | 'too_deep'; readonly detail: string };

const NO_DUPLICATES: readonly DuplicateKey[] = Object.freeze([]);

interface LineFacts {
  tooDeep: boolean;
  members: number;
  exact: boolean;
}
const facts: LineFacts = { tooDeep: false, members: 0, exact: false };

function isNumberByte(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

/** Significant digits a double gives back unchanged (DBL_DIG). */
const DOUBLE_DIGITS = 15;

/**
 * Whether the number literal bytes[start, end) comes back unchanged from `String(Number(...))`,
 * decided without converting in the common cases: a plain decimal of at most 15 significant
 * digits, no trailing zero after the point, and not so small that JavaScript writes it with an
 * exponent, always does (two such decimals never share a double). Other literals are converted.
 */
function literalRoundTrips(bytes: Buffer, start: number, end: number): boolean {
  const negative = bytes[start] === 45;
  let significant = 0;
  let leadingZeros = 0;
  let point = -1;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const c = bytes[i];
    if (c === 46) point = i;
    else if (c < 48 || c > 57) return roundTrips(bytes.toString('latin1', start, end)); // an exponent
    else if (significant === 0 && c === 48) leadingZeros++;
    else significant++;
  }
  if (point === -1) return significant <= DOUBLE_DIGITS && !(negative && significant === 0);
  const fractionZeros = leadingZeros - 1; // the zeros after "0." before the first significant digit
  const zeroPoint = point === start + (negative ? 2 : 1);
  return significant <= DOUBLE_DIGITS && bytes[end - 1] !== 48 && !(significant > 0 && zeroPoint && fractionZeros >= 6);
}

/**
 * Fills `facts` for the UTF-8 line bytes[start, end); stops early at too deep. Works on bytes:
 * every byte it looks for is ASCII, which never occurs inside a multi-byte character, and skipping
 * strings with the native byte search is twice as fast as on the decoded text. Malformed input
 * gives partial facts (the parser then refuses it).
 */
function measure(bytes: Buffer, start: number, end: number, maxDepth: number): void {
  facts.tooDeep = false;
  facts.members = 0;
  facts.exact = false;
  let depth = 0;
  for (let i = start; i < end; ) {
    const c = bytes[i];
    if (c === 34 /* " */) {
      let close = bytes.indexOf(34, i + 1);
      while (close !== -1 && close < end) {
        let backslashes = 0;
        while (bytes[close - 1 - backslashes] === 92) backslashes++;
        if (backslashes % 2 === 0) break;
        close = bytes.indexOf(34, close + 1);
      }
      if (close === -1 || close >= end) return;
      i = close + 1;
    } else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > maxDepth) {
        facts.tooDeep = true;
        return;
      }
      i++;
    } else if (c === 125 || c === 93 /* } ] */) {
      depth--;
      i++;
    } else if (c === 58 /* : */) {
      facts.members++;
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const literal = i;
      i++;
      while (i < end && isNumberByte(bytes[i])) i++;
      if (!facts.exact && !literalRoundTrips(bytes, literal, i)) facts.exact = true;
    } else {
      i++;
    }
  }
}

function countMembers(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let members = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) members += countMembers(value[i]);
    return members;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) members += 1 + countMembers(object[key]);
  return members;
}

const JSON_POSITION = /position (\d+)/;

function unparseable(err: unknown): JsonRecordRead {
  if (err instanceof JsonSyntaxError) return { ok: false, reason: 'unparseable', detail: `not valid JSON (at character ${err.position + 1})` };
  // V8's message can quote the input; only the position is kept.
  const position = JSON_POSITION.exec(errorMessage(err));
  return { ok: false, reason: 'unparseable', detail: position ? `not valid JSON (at character ${Number(position[1]) + 1})` : 'not valid JSON' };
}

function tooDeep(maxDepth: number): JsonRecordRead {
  return { ok: false, reason: 'too_deep', detail: `nested deeper than ${maxDepth} levels (the limit for a record)` };
}

/**
 * Reads the JSON line bytes[start, end), already known to be valid UTF-8 (see `forEachLine`).
 */
export function readJsonLine(bytes: Buffer, start: number, end: number, maxDepth: number): JsonRecordRead {
  measure(bytes, start, end, maxDepth);
  if (facts.tooDeep) return tooDeep(maxDepth);
  const line = bytes.toString('utf8', start, end);
  if (!facts.exact) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return unparseable(err);
    }
    if (countMembers(value) === facts.members) return { ok: true, value, exact: false, duplicates: NO_DUPLICATES };
  }
  try {
    const parsed = parseExact(line, maxDepth);
    return { ok: true, value: parsed.value, exact: parsed.exact, duplicates: parsed.duplicates.length > 0 ? parsed.duplicates : NO_DUPLICATES };
  } catch (err) {
    if (err instanceof JsonDepthError) return tooDeep(maxDepth);
    return unparseable(err);
  }
}

/** `readJsonLine` for one line of text. */
export function readJsonRecord(line: string, maxDepth: number): JsonRecordRead {
  const bytes = Buffer.from(line);
  return readJsonLine(bytes, 0, bytes.length, maxDepth);
}
