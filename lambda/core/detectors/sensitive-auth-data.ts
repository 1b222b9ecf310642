/**
 * Sensitive authentication data (PCI DSS Req. 3.3.1: never stored after authorization, not even
 * encrypted) and the JR/T 0171 C3 authentication data around it, found in a parsed record: by field
 * name at any depth (`sensitive-auth-names.ts`), and by value in every string and every key
 * (`sensitive-auth-text.ts`: track data, `cvv2=517`, `安全码：447`, `PIN 1234`).
 *
 * A gate that refuses too much is fixed by renaming a field; one that lets a CVV through is a breach.
 */
import { classifySensitiveAuthName, isCardCodeShaped, type SensitiveAuthNameClass } from './sensitive-auth-names';
import { sensitiveAuthDataInText, type SensitiveAuthTextKind } from './sensitive-auth-text';

export { containsTrackData, containsSensitiveAuthValue, sensitiveAuthDataInText } from './sensitive-auth-text';
export { classifySensitiveAuthName, isSensitiveAuthFieldName } from './sensitive-auth-names';

/** How the data was recognised: by the field's name, or by what a string or key says. */
export type SensitiveAuthKind = 'field_name' | SensitiveAuthTextKind;

const NAME_CACHE_LIMIT = 10_000;

interface KeyVerdict {
  readonly name: SensitiveAuthNameClass;
  /** What the key itself carries as text (`{"cvv2=517": true}`). */
  readonly text: SensitiveAuthTextKind | undefined;
}

const keyCache = new Map<string, KeyVerdict>();

/** The verdict on a key, memoised: field names repeat across millions of records. */
function keyVerdict(key: string): KeyVerdict {
  let verdict = keyCache.get(key);
  if (verdict === undefined) {
    verdict = { name: classifySensitiveAuthName(key), text: sensitiveAuthDataInText(key) };
    if (keyCache.size < NAME_CACHE_LIMIT) keyCache.set(key, verdict);
  }
  return verdict;
}

/** `isSensitiveAuthFieldName`, memoised. */
export function isSensitiveAuthFieldNameCached(name: string): boolean {
  return keyVerdict(name).name === 'sad';
}

/** Whether a value under a sensitive-authentication field name actually carries something. */
export function carriesValue(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'boolean') return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function nameRefuses(verdict: KeyVerdict, value: unknown): boolean {
  if (verdict.name === 'sad') return carriesValue(value);
  return verdict.name === 'card_code_if_shaped' && isCardCodeShaped(value);
}

/**
 * The kind of sensitive authentication data one field carries by itself (its key and, for a string
 * or number, its value), or undefined. For a parser that sees every duplicate of a key
 * (`{"cvv":"123","cvv":""}`): call it on each one, not only on the value that wins.
 */
export function sensitiveAuthDataInField(key: string, value: unknown): SensitiveAuthKind | undefined {
  const verdict = keyVerdict(key);
  if (nameRefuses(verdict, value)) return 'field_name';
  if (verdict.text !== undefined) return verdict.text;
  return typeof value === 'string' ? sensitiveAuthDataInText(value) : undefined;
}

interface SensitiveAuthDataFinding {
  /** Path below the value searched: `card.cvv`, `items[2].track2`, or '' for the value itself. */
  readonly path: string;
  /** Found by field name (true), or by what a string or key says (false). */
  readonly byName: boolean;
  readonly kind: SensitiveAuthKind;
}

function joinPath(head: string, rest: string): string {
  return rest === '' ? head : rest.charCodeAt(0) === 91 /* [ */ ? head + rest : `${head}.${rest}`;
}

function below(head: string, found: SensitiveAuthDataFinding): SensitiveAuthDataFinding {
  return { path: joinPath(head, found.path), byName: found.byName, kind: found.kind };
}

/**
 * The first sensitive authentication data in a parsed record, at any depth: a field whose name
 * refuses its value, a key that carries SAD as text, or SAD in any string. Paths are built only on
 * the way back from a finding, so the common case allocates nothing; the walk stays in this module,
 * so its many small calls are local ones.
 */
export function locateSensitiveAuthData(value: unknown): SensitiveAuthDataFinding | undefined {
  if (typeof value === 'string') {
    const kind = sensitiveAuthDataInText(value);
    return kind === undefined ? undefined : { path: '', byName: false, kind };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = locateSensitiveAuthData(value[i]);
      if (found !== undefined) return below(`[${i}]`, found);
    }
    return undefined;
  }
  const object = value as Record<string, unknown>;
  // for...in, not Object.keys: no array per object, and JSON-parsed objects have no inherited keys.
  for (const key in object) {
    const child = object[key];
    const verdict = keyVerdict(key);
    if (nameRefuses(verdict, child)) return { path: key, byName: true, kind: 'field_name' };
    if (verdict.text !== undefined) return { path: key, byName: false, kind: verdict.text };
    if (typeof child === 'object' || typeof child === 'string') {
      const found = locateSensitiveAuthData(child);
      if (found !== undefined) return below(key, found);
    }
  }
  return undefined;
}
