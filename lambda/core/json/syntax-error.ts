/**
 * A JSON syntax error as people read it: `file:line:column: what`, never "position 462", and never
 * a piece of the text (V8's messages quote the text around the error, which may be personal data).
 */

/** Line and column (both 1-based) of a UTF-16 offset in `text`; a CR LF counts as one line end. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/** Where JSON.parse stopped in `text`: V8 names the position only for some errors, so it is found here. */
function offsetOf(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const str = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          str();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return str();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal === null) fail();
    i += literal![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (err) {
    // Nesting deeper than the stack: the position reached is as good a place to point at as any.
    if (!(err instanceof Stop) && !(err instanceof RangeError)) throw err;
  }
  return i;
}

/** What is wrong at `offset`, in words, naming only JSON's own punctuation (never a value's characters). */
function whatIsWrong(text: string, offset: number): string {
  if (offset >= text.length) return 'the text ends before the JSON does (a missing closing bracket, brace or quote?)';
  const char = text[offset];
  if (/[{}[\],:"]/.test(char)) return `unexpected "${char}"`;
  if (/\s/.test(char)) return 'unexpected white space';
  return 'unexpected character (a missing quote, comma or colon before it?)';
}

/** Thrown by `parseJsonText`: the message is `where:line:column: not valid JSON: what`. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly where: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${where}:${line}:${column}: not valid JSON: ${problem}`);
    this.name = 'JsonSyntaxError';
  }
}

/** `JSON.parse(text)`, or a JsonSyntaxError naming `where` (a file) with the line and column. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const offset = offsetOf(text);
    const { line, column } = lineAndColumn(text, offset);
    throw new JsonSyntaxError(where, line, column, whatIsWrong(text, offset));
  }
}
