/**
 * How record content may appear in diagnostics (quarantine entries, scan reports, errors): never as
 * an identifier. A field path is shown key by key, and a key that holds an identifier shows its
 * category instead (`wallet.6238716075134687.cvv` → `wallet.[bank_card].cvv`); the joined path is
 * checked once more, since short keys can spell an identifier together (`a.1380.0138.000`).
 */
import type { Category } from './categories';
import { findIdentifiers } from './detectors/identifiers';
import { locateSensitiveAuthData, type SensitiveAuthKind } from './detectors/sensitive-auth-data';

/** A path into a record: object keys, and array indexes as numbers. */
export type FieldPath = readonly (string | number)[];

const MAX_SHOWN_CHARS = 200;

export function categoryLabel(category: Category): string {
  return `[${category}]`;
}

/** `text` with every identifier in it replaced by its category label. */
export function withoutIdentifiers(text: string): string {
  const matches = findIdentifiers(text);
  if (matches.length === 0) return text;
  let shown = '';
  let from = 0;
  for (const match of matches) {
    shown += text.slice(from, match.start) + categoryLabel(match.category);
    from = match.end;
  }
  return shown + text.slice(from);
}

function truncated(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 3)}...` : text;
}

/** One key as diagnostics may show it. */
export function describeKey(key: string): string {
  return truncated(withoutIdentifiers(key));
}

/** A field path as diagnostics may show it: `items[2].card.[bank_card]`. */
export function describePath(path: FieldPath): string {
  let shown = '';
  for (const segment of path) {
    if (typeof segment === 'number') shown += `[${segment}]`;
    else shown += shown === '' ? withoutIdentifiers(segment) : `.${withoutIdentifiers(segment)}`;
  }
  return truncated(withoutIdentifiers(shown));
}

export interface SensitiveAuthDataLocation {
  readonly path: FieldPath;
  /** Found by field name (a CVV field), not by value (track data in text). */
  readonly byName: boolean;
  /** What was found: a SAD field name, track data, or a code written after its name. */
  readonly kind: SensitiveAuthKind;
}

/**
 * Where a value carries sensitive authentication data, as a path of keys (so each key can be shown
 * safely), or undefined. Only the detector decides what counts: this follows its verdict down,
 * one member at a time, and stops where the finding no longer narrows.
 */
export function locateSensitiveAuthDataPath(value: unknown): SensitiveAuthDataLocation | undefined {
  const found = locateSensitiveAuthData(value);
  if (found === undefined) return undefined;
  const path: (string | number)[] = [];
  let current = value;
  for (;;) {
    if (Array.isArray(current)) {
      const index = current.findIndex((item) => locateSensitiveAuthData(item) !== undefined);
      if (index === -1) return { path, byName: found.byName, kind: found.kind };
      path.push(index);
      current = current[index];
      continue;
    }
    if (typeof current !== 'object' || current === null) return { path, byName: found.byName, kind: found.kind };
    const object = current as Record<string, unknown>;
    let next: string | undefined;
    for (const key of Object.keys(object)) {
      const here = locateSensitiveAuthData({ [key]: object[key] });
      if (here === undefined) continue;
      if (here.path === key) return { path: [...path, key], byName: here.byName, kind: here.kind };
      next = key;
      break;
    }
    if (next === undefined) return { path, byName: found.byName, kind: found.kind };
    path.push(next);
    current = object[next];
  }
}
