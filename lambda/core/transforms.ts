/**
 * The value-level transforms of a transfer rule. Each one either protects the value or, when it
 * cannot apply (a `mask_pan` field that holds no card number, a `last4` field too short to hide
 * anything, an object where a scalar was expected), replaces it whole with `[REDACTED]` and counts a
 * fallback: nothing passes through because a transform did not fit. `null` and empty strings pass
 * unchanged: there is nothing in them to protect.
 */
import { cardDigitsOf, maskPanDigits } from './detectors/bank-card';
import { findIdentifiers, replaceMatches, wholeValueCategory } from './detectors/identifiers';
import { isJsonNumber, numberValueText, type NumberValue } from './json/json-number';
import { tokenize, type TokenKey } from './tokens';

export const REDACTED = '[REDACTED]';

export interface TransformCounts {
  /** Identifiers replaced by `redact` fields (and `otherFields: redact`). */
  redactions: number;
  /** Identifiers found and replaced in `keep` fields: data the rule did not expect there. */
  safetyNetRedactions: number;
  tokenized: number;
  masked: number;
  truncated: number;
  /** Values replaced whole because their transform could not apply. */
  transformFallbacks: number;
  /** Kept values replaced by `[REDACTED]` because they did not have their field's shape (`onMismatch: redact`). */
  shapeRedactions: number;
}

export type RedactionCounter = 'redactions' | 'safetyNetRedactions';

export function emptyCounts(): TransformCounts {
  return { redactions: 0, safetyNetRedactions: 0, tokenized: 0, masked: 0, truncated: 0, transformFallbacks: 0, shapeRedactions: 0 };
}

export function addCounts(into: TransformCounts, from: TransformCounts): void {
  into.redactions += from.redactions;
  into.safetyNetRedactions += from.safetyNetRedactions;
  into.tokenized += from.tokenized;
  into.masked += from.masked;
  into.truncated += from.truncated;
  into.transformFallbacks += from.transformFallbacks;
  into.shapeRedactions += from.shapeRedactions;
}

/** Sets an own property, also for the key `__proto__` (which plain assignment would treat as the prototype). */
export function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A JSON object (not an array, not an exact number). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isJsonNumber(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

function scrubString(text: string, counts: TransformCounts, counter: RedactionCounter): string {
  const matches = findIdentifiers(text);
  if (matches.length === 0) return text;
  counts[counter] += matches.length;
  return replaceMatches(text, matches);
}

/** Shortest number whose decimal form can be an identifier (an 11-digit mobile). */
const SHORTEST_IDENTIFIER_NUMBER = 1e10;

/**
 * A number scanned by its value (`1.3800138e10` and `13800138000.0` are the mobile 13800138000): kept
 * as it is when it holds no identifier, else replaced by the placeholder string.
 */
function scrubNumber(value: NumberValue, counts: TransformCounts, counter: RedactionCounter): unknown {
  if (typeof value === 'number' && Math.abs(value) < SHORTEST_IDENTIFIER_NUMBER) return value;
  const text = numberValueText(value);
  const scrubbed = scrubString(text, counts, counter);
  return scrubbed === text ? value : scrubbed;
}

/**
 * Every identifier in a value replaced by a placeholder, at any depth: strings, object keys, and
 * numbers too (a card number stored as a JSON number is still a card number; such a number becomes
 * the placeholder string).
 */
export function scrubDeep(value: unknown, counts: TransformCounts, counter: RedactionCounter): unknown {
  if (typeof value === 'string') return scrubString(value, counts, counter);
  if (typeof value === 'number' || isJsonNumber(value)) return scrubNumber(value, counts, counter);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, counts, counter));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setScrubbedField(out, key, scrubDeep(value[key], counts, counter), counts, counter);
    return out;
  }
  return value;
}

/** Copies a field under its key with identifiers redacted; a clash between redacted keys gets a `#n` suffix. */
export function setScrubbedField(
  out: Record<string, unknown>,
  key: string,
  value: unknown,
  counts: TransformCounts,
  counter: RedactionCounter,
): void {
  const scrubbed = scrubString(key, counts, counter);
  let unique = scrubbed;
  if (scrubbed !== key) {
    for (let n = 2; Object.prototype.hasOwnProperty.call(out, unique); n++) unique = `${scrubbed}#${n}`;
  }
  setField(out, unique, value);
}

type ScalarTransform = (text: string, counts: TransformCounts) => string | undefined;

/** Applies a scalar transform to a string or number (element-wise over arrays); anything else falls back. */
function applyScalar(value: unknown, counts: TransformCounts, transform: ScalarTransform): unknown {
  if (isEmpty(value)) return value;
  if (Array.isArray(value)) return value.map((item) => applyScalar(item, counts, transform));
  const text = typeof value === 'string' ? value : typeof value === 'number' || isJsonNumber(value) ? numberValueText(value) : undefined;
  const result = text === undefined ? undefined : transform(text, counts);
  if (result !== undefined) return result;
  counts.transformFallbacks++;
  return REDACTED;
}

const SEPARATORS = /[\s-]/g;
const LAST_FOUR = 4;

/** Only the last four characters survive (grouping spaces and dashes ignored); a value of four or fewer would survive whole, so it falls back. */
export function lastFour(value: unknown, counts: TransformCounts): unknown {
  return applyScalar(value, counts, (text, c) => {
    const compact = text.replace(SEPARATORS, '');
    if (compact.length <= LAST_FOUR) return undefined;
    c.truncated++;
    return compact.slice(-LAST_FOUR);
  });
}

/** BIN (first 6) and last 4 digits of a card number, the rest masked; a value that is not a card number falls back. */
export function maskPan(value: unknown, counts: TransformCounts): unknown {
  return applyScalar(value, counts, (text, c) => {
    const digits = cardDigitsOf(text);
    if (digits === undefined) return undefined;
    c.masked++;
    return maskPanDigits(digits);
  });
}

/** A keyed token typed by what the value is (`tok_cn_mobile_...`, or `tok_text_...` when no detector recognises it). */
export function tokenizeValue(value: unknown, key: TokenKey, counts: TransformCounts): unknown {
  return applyScalar(value, counts, (text, c) => {
    c.tokenized++;
    return tokenize(key, wholeValueCategory(text) ?? 'text', text);
  });
}
