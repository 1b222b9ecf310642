/**
 * The positive model for `keep` fields: each one states the shape its value may have, and a value of
 * any other shape is not sent as it is (the rule's `onMismatch` says whether it is redacted or its
 * record quarantined). Shapes are plain data in the rule; this module compiles them into matchers.
 * It holds no zod (the rule schema in transfer-rule.ts validates shapes before they get here), so
 * worker threads can load it cheaply.
 *
 * A value is matched on its text: a string as it is, a number by the literal it was read from (never
 * a rounded double), a boolean as `true`/`false`. Objects never match a shape; arrays are matched
 * element by element by the caller; `null` carries nothing and is not matched.
 */
import { decimalValueText, isJsonNumber, isNumberValue, numberSource } from './json/json-number';

export const NAMED_SHAPES = ['decimal', 'integer', 'boolean', 'currency', 'date', 'timestamp'] as const;
export type NamedShape = (typeof NAMED_SHAPES)[number];

export interface DecimalLimits {
  /** @default 15 */
  readonly maxIntegerDigits?: number;
  /** @default 8 */
  readonly maxFractionDigits?: number;
}

export interface IntegerRange {
  /** @default -999999999999999 (15 digits) */
  readonly min?: number;
  /** @default 999999999999999 (15 digits) */
  readonly max?: number;
}

export type EnumMember = string | number | boolean;

export type Shape =
  | NamedShape
  | { readonly enum: readonly EnumMember[] }
  | { readonly pattern: string }
  | { readonly decimal: DecimalLimits }
  | { readonly integer: IntegerRange };

export const MISMATCH_ACTIONS = ['quarantine', 'redact'] as const;
export type MismatchAction = (typeof MISMATCH_ACTIONS)[number];

/** A `keep` field of a rule: the shape it may carry, and what happens to a value of another shape. */
export interface KeepRule {
  readonly keep: Shape;
  /** @default 'quarantine' */
  readonly onMismatch?: MismatchAction;
}

export const DEFAULT_DECIMAL = { maxIntegerDigits: 15, maxFractionDigits: 8 } as const;
const DEFAULT_INTEGER_DIGITS = 15;
export const DEFAULT_INTEGER = { min: -(10 ** DEFAULT_INTEGER_DIGITS - 1), max: 10 ** DEFAULT_INTEGER_DIGITS - 1 } as const;

/** ISO 4217 alphabetic codes, as the runtime's ICU/CLDR data knows them. */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** What a value's text is matched against; false for a value of a kind the shape never has. */
export type ShapeMatcher = (value: unknown) => boolean;

/** The text a scalar is matched on, or undefined for anything that is not a string, number or boolean. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isNumberValue(value)) return numberSource(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

const DECIMAL = /^-?(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
/** Up to this many digits in all, a double holds a decimal exactly, and arithmetic can judge it. */
const EXACT_DOUBLE_DIGITS = 15;

function decimalMatcher(limits: DecimalLimits): ShapeMatcher {
  const maxIntegerDigits = limits.maxIntegerDigits ?? DEFAULT_DECIMAL.maxIntegerDigits;
  const maxFractionDigits = limits.maxFractionDigits ?? DEFAULT_DECIMAL.maxFractionDigits;
  const bound = 10 ** maxIntegerDigits;
  const scale = 10 ** maxFractionDigits;
  const textMatches = (text: string): boolean => {
    const match = DECIMAL.exec(text);
    return match !== null && match[1].length <= maxIntegerDigits && (match[2]?.length ?? 0) <= maxFractionDigits;
  };
  return (value) => {
    if (typeof value === 'number') {
      // A plain number is its shortest decimal form; judged by arithmetic where that is exact (no string made).
      if (!Number.isFinite(value) || Math.abs(value) >= bound) return false;
      if (maxIntegerDigits + maxFractionDigits <= EXACT_DOUBLE_DIGITS) return Math.round(value * scale) / scale === value;
      return textMatches(decimalValueText(String(value)));
    }
    if (isJsonNumber(value)) return textMatches(decimalValueText(value.source));
    return typeof value === 'string' && textMatches(value);
  };
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function integerMatcher(range: IntegerRange): ShapeMatcher {
  const min = range.min ?? DEFAULT_INTEGER.min;
  const max = range.max ?? DEFAULT_INTEGER.max;
  const [bigMin, bigMax] = [BigInt(min), BigInt(max)];
  return (value) => {
    // The bounds are safe integers, so a plain number is judged as it is.
    if (typeof value === 'number') return Number.isInteger(value) && value >= min && value <= max;
    const text = isJsonNumber(value) ? decimalValueText(value.source) : typeof value === 'string' ? value : undefined;
    if (text === undefined || !INTEGER.test(text) || text === '-0') return false;
    const n = BigInt(text);
    return n >= bigMin && n <= bigMax;
  };
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
/** ISO 8601 / RFC 3339 date-time: seconds and fraction optional, zone `Z` or `±HH:MM` optional. */
const TIMESTAMP = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?(?:Z|[+-]([0-9]{2}):?([0-9]{2}))?$/;

function isDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6])];
  const zoneOk = m[7] === undefined || (Number(m[7]) <= 14 && Number(m[8]) <= 59);
  // Second 60 is a leap second.
  return hour <= 23 && minute <= 59 && second <= 60 && zoneOk;
}

const BOOLEAN_TEXT = new Set(['true', 'false']);

const NAMED: Readonly<Record<NamedShape, ShapeMatcher>> = {
  decimal: decimalMatcher({}),
  integer: integerMatcher({}),
  boolean: (value) => typeof value === 'boolean' || (typeof value === 'string' && BOOLEAN_TEXT.has(value)),
  currency: (value) => typeof value === 'string' && CURRENCY_CODES.has(value),
  date: isDate,
  timestamp: isTimestamp,
};

/** The regular expression of a `pattern` shape, as it is matched (Unicode mode). */
export function patternRegExp(pattern: string): RegExp {
  return new RegExp(pattern, 'u');
}

/** The matcher of a shape already validated by the rule schema (transfer-rule.ts). */
export function compileShape(shape: Shape): ShapeMatcher {
  if (typeof shape === 'string') return NAMED[shape];
  if ('enum' in shape) {
    const members = new Set(shape.enum.map((member) => String(member)));
    return (value) => {
      const text = scalarText(value);
      return text !== undefined && members.has(text);
    };
  }
  if ('pattern' in shape) {
    const regexp = patternRegExp(shape.pattern);
    return (value) => {
      if (typeof value !== 'string' && !isNumberValue(value)) return false;
      return regexp.test(scalarText(value) as string);
    };
  }
  if ('decimal' in shape) return decimalMatcher(shape.decimal);
  return integerMatcher(shape.integer);
}

/** A shape as the rule writes it, for messages and reports: `decimal`, `pattern ^[0-9]{28}$`, `enum (3 values)`. */
export function describeShape(shape: Shape): string {
  if (typeof shape === 'string') return shape;
  if ('enum' in shape) return `enum of ${shape.enum.length} value${shape.enum.length === 1 ? '' : 's'}`;
  if ('pattern' in shape) return `pattern ${shape.pattern}`;
  if ('decimal' in shape) {
    const { maxIntegerDigits = DEFAULT_DECIMAL.maxIntegerDigits, maxFractionDigits = DEFAULT_DECIMAL.maxFractionDigits } = shape.decimal;
    return `decimal (at most ${maxIntegerDigits} integer and ${maxFractionDigits} fraction digits)`;
  }
  const { min = DEFAULT_INTEGER.min, max = DEFAULT_INTEGER.max } = shape.integer;
  return `integer from ${min} to ${max}`;
}
