/**
 * Reads one JSON Lines record, strictly and without loss.
 *
 * A single pass over the line (strings skipped with `indexOf`) measures the nesting depth, counts
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

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

/** Significant digits a double gives back unchanged (DBL_DIG). */
const DOUBLE_DIGITS = 15;

/**
 * Whether the number literal text[start, end) comes back unchanged from `String(Number(...))`,
 * decided without converting in the common cases: a plain decimal of at most 15 significant
 * digits, no trailing zero after the point, and not so small that JavaScript writes it with an
 * exponent, always does (two such decimals never share a double). Other literals are converted.
 */
function literalRoundTrips(text: string, start: number, end: number): boolean {
  let i = text.charCodeAt(start) === 45 ? start + 1 : start;
  let significant = 0;
  let leadingZeros = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) point = i;
    else if (c < 48 || c > 57) return roundTrips(text.slice(start, end)); // an exponent
    else if (significant === 0 && c === 48) leadingZeros++;
    else significant++;
  }
  if (point === -1) return significant <= DOUBLE_DIGITS && !(leadingZeros === 1 && significant === 0 && text.charCodeAt(start) === 45);
  const fractionZeros = leadingZeros - 1; // the zeros after "0." before the first significant digit
  return significant <= DOUBLE_DIGITS && text.charCodeAt(end - 1) !== 48 && !(significant > 0 && point === start + (text.charCodeAt(start) === 45 ? 2 : 1) && fractionZeros >= 6);
}

/** Fills `facts` for `text`; stops early at too deep. Malformed text gives partial facts (the parser then refuses it). */
function measure(text: string, maxDepth: number): void {
  facts.tooDeep = false;
  facts.members = 0;
  facts.exact = false;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; ) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return;
      i = end + 1;
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
      const start = i;
      i++;
      while (i < length && isNumberChar(text.charCodeAt(i))) i++;
      if (!facts.exact && !literalRoundTrips(text, start, i)) facts.exact = true;
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

export function readJsonRecord(line: string, maxDepth: number): JsonRecordRead {
  measure(line, maxDepth);
  if (facts.tooDeep) return tooDeep(maxDepth);
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
