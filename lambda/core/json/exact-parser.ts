/**
 * The exact JSON reader: the slow path the record reader takes for the few lines that the native
 * `JSON.parse` would misread. Unlike it, this one
 * - keeps every number literal that a JavaScript number would change as a JsonNumber (its digits);
 * - reports every duplicate key with all of its values (`JSON.parse` keeps the last one silently,
 *   which lets `{"cvv":"123","cvv":""}` hide a CVV);
 * - stops at a nesting limit instead of exhausting the stack.
 * Errors carry a position only, never the input.
 *
 * `lossless-json` was measured as the alternative (bench/json-readers.ts): it keeps numbers too,
 * but throws on a duplicate key without handing over the values, so it cannot say whether a
 * duplicate hides sensitive authentication data; this reader is also faster on these records.
 */
import { setField } from '../transforms';
import { JsonNumber, roundTrips } from './json-number';

/** One key that appears more than once in the same object, with every value it was given. */
export interface DuplicateKey {
  /** Where the object is: keys, and array indexes as numbers. */
  readonly path: readonly (string | number)[];
  readonly key: string;
  readonly values: unknown[];
}

export interface ExactParse {
  /** The record, last value winning for a duplicate key (as `JSON.parse` would). */
  readonly value: unknown;
  readonly duplicates: DuplicateKey[];
  /** Whether any JsonNumber was made (the record must then be written with `stringifyExact`). */
  readonly exact: boolean;
}

export class JsonSyntaxError extends Error {
  /** 0-based character offset. */
  constructor(
    public readonly position: number,
    what: string,
  ) {
    super(`${what} at character ${position + 1}`);
    this.name = 'JsonSyntaxError';
  }
}

export class JsonDepthError extends Error {
  constructor(public readonly limit: number) {
    super(`nested deeper than ${limit} levels`);
    this.name = 'JsonDepthError';
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly path: (string | number)[] = [];
  readonly duplicates: DuplicateKey[] = [];
  exact = false;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parse(): unknown {
    const value = this.value();
    this.skipWhitespace();
    if (this.pos < this.text.length) throw new JsonSyntaxError(this.pos, 'unexpected text after the value');
    return value;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else break;
    }
    this.pos = pos;
  }

  private value(): unknown {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.pos);
    if (c === 123 /* { */) return this.object();
    if (c === 91 /* [ */) return this.array();
    if (c === 34 /* " */) return this.string();
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) return this.number();
    for (const [word, literal] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return literal;
      }
    }
    throw new JsonSyntaxError(this.pos, this.pos >= this.text.length ? 'unexpected end of input' : 'expected a value');
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) throw new JsonDepthError(this.maxDepth);
  }

  private object(): Record<string, unknown> {
    this.enter();
    this.pos++;
    const object: Record<string, unknown> = {};
    let seen: Map<string, DuplicateKey> | undefined;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 125 /* } */) {
      this.pos++;
      this.depth--;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 34) throw new JsonSyntaxError(this.pos, 'expected a double-quoted key');
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 58 /* : */) throw new JsonSyntaxError(this.pos, 'expected ":"');
      this.pos++;
      this.path.push(key);
      const value = this.value();
      this.path.pop();
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        seen ??= new Map();
        let duplicate = seen.get(key);
        if (duplicate === undefined) {
          duplicate = { path: [...this.path], key, values: [object[key]] };
          seen.set(key, duplicate);
          this.duplicates.push(duplicate);
        }
        duplicate.values.push(value);
      }
      setField(object, key, value);
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.pos);
      this.pos++;
      if (next === 44 /* , */) continue;
      if (next === 125 /* } */) break;
      throw new JsonSyntaxError(this.pos - 1, 'expected "," or "}"');
    }
    this.depth--;
    return object;
  }

  private array(): unknown[] {
    this.enter();
    this.pos++;
    const array: unknown[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 93 /* ] */) {
      this.pos++;
      this.depth--;
      return array;
    }
    for (;;) {
      this.path.push(array.length);
      array.push(this.value());
      this.path.pop();
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.pos);
      this.pos++;
      if (next === 44) continue;
      if (next === 93) break;
      throw new JsonSyntaxError(this.pos - 1, 'expected "," or "]"');
    }
    this.depth--;
    return array;
  }

  /** A string token, decoded by the native parser (escapes, control characters and all). */
  private string(): string {
    const text = this.text;
    const start = this.pos;
    let end = text.indexOf('"', start + 1);
    for (;;) {
      if (end === -1) throw new JsonSyntaxError(start, 'a string is never closed');
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    this.pos = end + 1;
    try {
      return JSON.parse(text.slice(start, end + 1)) as string;
    } catch {
      throw new JsonSyntaxError(start, 'invalid string');
    }
  }

  private number(): number | JsonNumber {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) throw new JsonSyntaxError(this.pos, 'invalid number');
    this.pos += match[0].length;
    if (roundTrips(match[0])) return Number(match[0]);
    this.exact = true;
    return new JsonNumber(match[0]);
  }
}

const LITERALS: readonly (readonly [string, unknown])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

/** Parses one JSON text exactly. Throws JsonSyntaxError or JsonDepthError. */
export function parseExact(text: string, maxDepth: number): ExactParse {
  const parser = new Parser(text, maxDepth);
  const value = parser.parse();
  return { value, duplicates: parser.duplicates, exact: parser.exact };
}
