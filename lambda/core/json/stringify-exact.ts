/**
 * `JSON.stringify` for records that hold JsonNumbers: each is written as its source digits, a
 * number, never a rounded double or a string. Everything else is written as `JSON.stringify`
 * writes it (key order, escapes, `undefined` members left out).
 */
import { JsonNumber } from './json-number';

export function stringifyExact(value: unknown): string {
  if (value instanceof JsonNumber) return value.source;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item = value[i] === undefined ? 'null' : stringifyExact(value[i]);
      out += i === 0 ? item : `,${item}`;
    }
    return `${out}]`;
  }
  if (typeof value === 'object' && value !== null) {
    let out = '{';
    let first = true;
    for (const key of Object.keys(value)) {
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined) continue;
      out += `${first ? '' : ','}${JSON.stringify(key)}:${stringifyExact(member)}`;
      first = false;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}
