/**
 * A JSON number literal that a JavaScript number would change: integers above 2^53
 * (`450104200807081317` would become `450104200807081340`), and literals whose shortest form
 * differs (`1280.50`, `1e5`, `-0`). The record reader keeps such a literal as its source text, so it
 * is inspected by the detectors and written out digit for digit; every other number stays a plain
 * `number` (the common case costs nothing).
 *
 * The text is an own enumerable property on purpose: walkers that look into objects (the
 * sensitive-authentication-data search) see a JsonNumber as a value that carries something.
 */
export class JsonNumber {
  constructor(public readonly source: string) {}
}

export function isJsonNumber(value: unknown): value is JsonNumber {
  return value instanceof JsonNumber;
}

/** A JSON number, exact or plain. */
export type NumberValue = number | JsonNumber;

export function isNumberValue(value: unknown): value is NumberValue {
  return typeof value === 'number' || value instanceof JsonNumber;
}

/**
 * The literal a number value was read from. For a plain number this is `String(value)`: the reader
 * keeps a literal as a plain number only when that gives the literal back exactly.
 */
export function numberSource(value: NumberValue): string {
  return typeof value === 'number' ? String(value) : value.source;
}

/** Whether the literal `text` survives `Number` and back unchanged. */
export function roundTrips(text: string): boolean {
  return String(Number(text)) === text;
}

const LITERAL = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;
/** Beyond this many digits before the point a number is no identifier (cards have 19): not expanded. */
const MAX_EXPANDED_DIGITS = 40;

/**
 * The value of a number literal as plain decimal digits, the way the detectors must read it: an
 * exponent applied (`1.3800138e10` → `13800138000`), a zero fraction dropped (`13800138000.0` is the
 * integer 13800138000), other fractions kept without trailing zeros. A literal too large to be an
 * identifier, or not a number literal, is returned as it is.
 */
export function decimalValueText(literal: string): string {
  const m = LITERAL.exec(literal);
  if (m === null) return literal;
  const [, sign, whole, fraction = '', exponent = '0'] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point > MAX_EXPANDED_DIGITS || point < -MAX_EXPANDED_DIGITS) return literal;
  const integerPart = (point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0')).replace(/^0+(?=[0-9])/, '');
  const fractionPart = (point < 0 ? '0'.repeat(-point) + digits : digits.slice(Math.max(point, 0))).replace(/0+$/, '');
  return fractionPart === '' ? sign + integerPart : `${sign}${integerPart}.${fractionPart}`;
}

/** The text detectors read for a number value: its plain decimal value. */
export function numberValueText(value: NumberValue): string {
  // A plain number's String() is already plain digits wherever an identifier could be (below 1e21).
  return typeof value === 'number' ? String(value) : decimalValueText(value.source);
}
