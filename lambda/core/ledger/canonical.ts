/**
 * Canonical JSON and the SHA-256 digest a ledger entry's hash is taken over.
 *
 * The hash must not depend on how a JSON library orders keys or spaces its output, or an entry
 * re-serialized by another tool would stop verifying. So entries are serialized with the rules of
 * RFC 8785 (JCS) for the values a ledger holds: object keys sorted by UTF-16 code units, no
 * whitespace, ECMAScript number and string serialization. Keys whose value is `undefined` are left
 * out (an absent optional field), exactly as `JSON.stringify` does, so an entry read back from its
 * file hashes the same as the object that was written.
 */
import { createHash } from 'node:crypto';

/** Raised for a value JSON cannot carry faithfully: the ledger must never hash something it cannot store. */
export class CanonicalJsonError extends TypeError {
  constructor(path: string, problem: string) {
    super(`cannot serialize ${path || '(root)'}: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // NaN and Infinity would silently become null in JSON and hash as something else when read back.
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a finite number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} has no JSON form`);
  }
  if (Array.isArray(value)) {
    const items = value.map((item: unknown, index) => {
      if (item === undefined) throw new CanonicalJsonError(`${path}[${index}]`, 'undefined inside an array');
      return serialize(item, `${path}[${index}]`);
    });
    return `[${items.join(',')}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    // Dates, Maps, class instances: their JSON form is a convention, not data; callers pass plain values.
    throw new CanonicalJsonError(path, 'only plain objects, arrays and primitives are allowed');
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${serialize(record[key], path ? `${path}.${key}` : key)}`);
  return `{${members.join(',')}}`;
}

/** The canonical JSON text of a plain value: sorted keys, no whitespace, `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  return serialize(value, '');
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
