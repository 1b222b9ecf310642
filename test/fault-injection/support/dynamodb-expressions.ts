/**
 * DynamoDB condition and update expressions, evaluated the way DynamoDB does for the subset any code
 * here sends (ours and Powertools'): `attribute_exists`, `attribute_not_exists`, `begins_with`,
 * comparisons, AND / OR / NOT and parentheses; `SET` (with `if_not_exists` and `+`/`-`), `ADD` and
 * `REMOVE`. Anything else throws, so an expression the fake does not understand fails the test
 * instead of being silently treated as true.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export interface ExpressionContext {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, AttributeValue>;
}

type Token = { readonly kind: 'name' | 'value' | 'word' | 'punct'; readonly text: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(<>|<=|>=|[()=<>,.+-]))/y;
  let position = 0;
  while (position < expression.length) {
    if (/^\s*$/.test(expression.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(expression);
    if (match === null) throw new Error(`fake DynamoDB: cannot read expression "${expression}" at ${position}`);
    position = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'name', text: match[1] });
    else if (match[2]) tokens.push({ kind: 'value', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'word', text: match[3] });
    else tokens.push({ kind: 'punct', text: match[4] as string });
  }
  return tokens;
}

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly context: ExpressionContext,
    private readonly source: string,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  next(): Token {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new Error(`fake DynamoDB: unexpected end of "${this.source}"`);
    return token;
  }

  expect(text: string): void {
    const token = this.next();
    if (token.text.toUpperCase() !== text.toUpperCase()) throw new Error(`fake DynamoDB: expected ${text} in "${this.source}", got ${token.text}`);
  }

  atWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  }

  done(): boolean {
    return this.index >= this.tokens.length;
  }

  /** A path: names (placeholders or plain) joined by dots. */
  path(): string[] {
    const parts = [this.name()];
    while (this.peek()?.text === '.') {
      this.next();
      parts.push(this.name());
    }
    return parts;
  }

  private name(): string {
    const token = this.next();
    if (token.kind === 'name') {
      const name = this.context.names?.[token.text];
      if (name === undefined) throw new Error(`fake DynamoDB: ${token.text} is not in ExpressionAttributeNames`);
      return name;
    }
    if (token.kind === 'word') return token.text;
    throw new Error(`fake DynamoDB: expected an attribute name in "${this.source}", got ${token.text}`);
  }

  value(): AttributeValue {
    const token = this.next();
    const value = this.context.values?.[token.text];
    if (token.kind !== 'value' || value === undefined) throw new Error(`fake DynamoDB: ${token.text} is not in ExpressionAttributeValues`);
    return value;
  }
}

function lookup(item: Item | undefined, path: readonly string[]): AttributeValue | undefined {
  let current: AttributeValue | undefined = item === undefined ? undefined : { M: item };
  for (const part of path) current = current?.M?.[part];
  return current;
}

function scalar(value: AttributeValue | undefined): { type: string; v: string | number | boolean } | undefined {
  if (value === undefined) return undefined;
  if (value.S !== undefined) return { type: 'S', v: value.S };
  if (value.N !== undefined) return { type: 'N', v: Number(value.N) };
  if (value.BOOL !== undefined) return { type: 'BOOL', v: value.BOOL };
  return { type: 'other', v: JSON.stringify(value) };
}

function compare(op: string, left: AttributeValue | undefined, right: AttributeValue | undefined): boolean {
  const a = scalar(left);
  const b = scalar(right);
  // A missing attribute or a type mismatch makes every comparison false, except <> (DynamoDB semantics).
  if (a === undefined || b === undefined || a.type !== b.type) return op === '<>' && !(a === undefined && b === undefined);
  switch (op) {
    case '=':
      return a.v === b.v;
    case '<>':
      return a.v !== b.v;
    case '<':
      return a.v < b.v;
    case '<=':
      return a.v <= b.v;
    case '>':
      return a.v > b.v;
    case '>=':
      return a.v >= b.v;
    default:
      throw new Error(`fake DynamoDB: comparator ${op}`);
  }
}

function condition(parser: Parser, item: Item | undefined): boolean {
  let result = conjunction(parser, item);
  while (parser.atWord('OR')) {
    parser.next();
    const right = conjunction(parser, item);
    result = result || right;
  }
  return result;
}

function conjunction(parser: Parser, item: Item | undefined): boolean {
  let result = negation(parser, item);
  while (parser.atWord('AND')) {
    parser.next();
    const right = negation(parser, item);
    result = result && right;
  }
  return result;
}

function negation(parser: Parser, item: Item | undefined): boolean {
  if (parser.atWord('NOT')) {
    parser.next();
    return !negation(parser, item);
  }
  return primary(parser, item);
}

function operand(parser: Parser, item: Item | undefined): AttributeValue | undefined {
  return parser.peek()?.kind === 'value' ? parser.value() : lookup(item, parser.path());
}

function primary(parser: Parser, item: Item | undefined): boolean {
  const token = parser.peek();
  if (token?.text === '(') {
    parser.next();
    const result = condition(parser, item);
    parser.expect(')');
    return result;
  }
  if (token?.kind === 'word' && parser.peek(1)?.text === '(') {
    const fn = parser.next().text;
    parser.expect('(');
    const path = parser.path();
    let result: boolean;
    if (fn === 'attribute_exists') result = lookup(item, path) !== undefined;
    else if (fn === 'attribute_not_exists') result = lookup(item, path) === undefined;
    else if (fn === 'begins_with') {
      parser.expect(',');
      const prefix = operand(parser, item)?.S;
      const value = lookup(item, path)?.S;
      result = prefix !== undefined && value !== undefined && value.startsWith(prefix);
    } else throw new Error(`fake DynamoDB: function ${fn} is not supported`);
    parser.expect(')');
    return result;
  }
  const left = operand(parser, item);
  const op = parser.next().text;
  const right = operand(parser, item);
  return compare(op, left, right);
}

/** Whether a condition expression holds on an item (undefined: no item with that key). */
export function evaluateCondition(expression: string, item: Item | undefined, context: ExpressionContext): boolean {
  const parser = new Parser(tokenize(expression), context, expression);
  const result = condition(parser, item);
  if (!parser.done()) throw new Error(`fake DynamoDB: trailing tokens in "${expression}"`);
  return result;
}

function arithmetic(left: AttributeValue | undefined, op: string, right: AttributeValue | undefined): AttributeValue {
  if (left?.N === undefined || right?.N === undefined) throw new Error('fake DynamoDB: arithmetic needs two numbers');
  return { N: String(op === '+' ? Number(left.N) + Number(right.N) : Number(left.N) - Number(right.N)) };
}

function setValue(parser: Parser, item: Item): AttributeValue {
  const token = parser.peek();
  let value: AttributeValue | undefined;
  if (token?.kind === 'word' && token.text === 'if_not_exists') {
    parser.next();
    parser.expect('(');
    const existing = lookup(item, parser.path());
    parser.expect(',');
    const fallback = operand(parser, item);
    parser.expect(')');
    value = existing ?? fallback;
  } else value = operand(parser, item);
  const op = parser.peek()?.text;
  if (op === '+' || op === '-') {
    parser.next();
    value = arithmetic(value, op, operand(parser, item));
  }
  if (value === undefined) throw new Error('fake DynamoDB: SET of a missing attribute');
  return value;
}

function assign(item: Item, path: readonly string[], value: AttributeValue | undefined): void {
  if (path.length !== 1) throw new Error(`fake DynamoDB: nested paths are not supported in updates (${path.join('.')})`);
  const name = path[0] as string;
  if (value === undefined) delete item[name];
  else item[name] = value;
}

/**
 * Applies an update expression to a copy of the item and returns the copy. Every operand reads the
 * item as it was before the update, as in DynamoDB (`SET b = a + :one, ADD a :one` uses the old a).
 */
export function applyUpdate(expression: string, current: Item | undefined, context: ExpressionContext): Item {
  const before: Item = current ?? {};
  const item: Item = structuredClone(before);
  const parser = new Parser(tokenize(expression), context, expression);
  while (!parser.done()) {
    const clause = parser.next().text.toUpperCase();
    do {
      if (parser.peek()?.text === ',') parser.next();
      const path = parser.path();
      if (clause === 'SET') {
        parser.expect('=');
        assign(item, path, setValue(parser, before));
      } else if (clause === 'ADD') {
        const amount = parser.value();
        const existing = lookup(before, path);
        assign(item, path, existing === undefined ? amount : arithmetic(existing, '+', amount));
      } else if (clause === 'REMOVE') {
        assign(item, path, undefined);
      } else throw new Error(`fake DynamoDB: update clause ${clause} is not supported`);
    } while (parser.peek()?.text === ',');
  }
  return item;
}
