/**
 * One pass over a string with every value-based detector: what the safety net, the `redact`
 * transform and the scan use.
 *
 * Every detector reads the canonical view of the text (`../text/canonical.ts`: NFKC, Unicode digits as
 * ASCII, format and zero-width characters gone, Unicode spaces and dashes folded), and every finding is
 * mapped back to the characters as written, so `text.slice(start, end)` is exactly what must not leave
 * (full-width digits, a zero-width space inside, a full-width `Ｘ` included). Encoded tokens
 * (percent-encoding, base64) are decoded and scanned too (`encoded.ts`).
 *
 * Cheap pre-filters first, since almost every string in a payment record (amounts, currencies, dates,
 * names) holds no identifier at all: ASCII text is its own canonical form (no folding, no map), the
 * digit-run walk counts digits as it goes, and the e-mail, IP, transaction-id and encoded-token
 * detectors only run when their marker is present.
 */
import type { Category } from '../categories';
import { canonicalText, originalSpans } from '../text/canonical';
import { findDigitRunIdentifiers } from './digit-runs';
import { findEmails } from './email';
import { findEncodedIdentifiers, mayHoldEncodedToken, type EncodedMatch } from './encoded';
import { findIpv4Addresses, findIpv6Addresses } from './ip-address';
import type { IdentifierMatch } from './match';
import { findTransactionIdsInContext } from './payment-transaction-id';
import { shareable } from './shared-findings';

const NO_MATCHES: readonly IdentifierMatch[] = Object.freeze([]);
const MIN_IPV4_DIGITS = 4;
const MIN_CONTEXT_ID_DIGITS = 10;
const IPV6_FULL_FORM_COLONS = 7;
/** Every context phrase of the transaction-id detector contains one of these. */
const CONTEXT_HINT = /[Nn][Oo]|[Ii][Dd]|号/;
/** Encoded tokens inside decoded tokens are decoded once more, no deeper. */
const MAX_DECODE_DEPTH = 2;

function hasThreeDots(text: string): boolean {
  let dots = 0;
  for (let i = text.indexOf('.'); i !== -1 && dots < 3; i = text.indexOf('.', i + 1)) dots++;
  return dots === 3;
}

/** IPv6 needs `::` or all eight groups (seven colons): times like `10:00:00` are skipped cheaply. */
function mayHoldIpv6(text: string): boolean {
  const first = text.indexOf(':');
  if (first === -1) return false;
  if (text.includes('::')) return true;
  let colons = 1;
  for (let i = text.indexOf(':', first + 1); i !== -1; i = text.indexOf(':', i + 1)) colons++;
  return colons >= IPV6_FULL_FORM_COLONS;
}

const scratch: IdentifierMatch[] = [];
let decodeDepth = 0;

function byStartThenLongest(a: IdentifierMatch, b: IdentifierMatch): number {
  return a.start - b.start || b.end - a.end;
}

/** Overlapping matches become one span (their union), named after the earliest, longest one. */
function mergeOverlapping(matches: IdentifierMatch[]): IdentifierMatch[] {
  matches.sort(byStartThenLongest);
  const merged: IdentifierMatch[] = [matches[0]];
  for (let i = 1; i < matches.length; i++) {
    const current = merged[merged.length - 1];
    const next = matches[i];
    if (next.start < current.end) {
      if (next.end > current.end) merged[merged.length - 1] = { ...current, end: next.end };
    } else {
      merged.push(next);
    }
  }
  return merged;
}

function firstCategoryIn(decoded: string): Category | undefined {
  const matches = findIdentifiers(decoded);
  return matches.length > 0 ? matches[0].category : undefined;
}

/** Encoded tokens that hide an identifier (run before the other detectors: it re-enters findIdentifiers). */
const NO_ENCODED: readonly EncodedMatch[] = Object.freeze([]);

function encodedMatches(text: string): readonly EncodedMatch[] {
  if (decodeDepth >= MAX_DECODE_DEPTH || !mayHoldEncodedToken(text)) return NO_ENCODED;
  const found: EncodedMatch[] = [];
  decodeDepth++;
  try {
    findEncodedIdentifiers(text, firstCategoryIn, found);
  } finally {
    decodeDepth--;
  }
  return found.length === 0 ? NO_ENCODED : found;
}

/** Every identifier in canonical `text`, in canonical offsets, overlapping (into `scratch`). */
function detectCanonical(text: string, encoded: readonly EncodedMatch[]): void {
  if (scratch.length !== 0) scratch.length = 0;
  const digitCount = findDigitRunIdentifiers(text, scratch);
  if (digitCount >= MIN_IPV4_DIGITS && hasThreeDots(text)) findIpv4Addresses(text, scratch);
  if (mayHoldIpv6(text)) findIpv6Addresses(text, scratch);
  if (text.includes('@')) findEmails(text, scratch);
  if (digitCount >= MIN_CONTEXT_ID_DIGITS && CONTEXT_HINT.test(text)) findTransactionIdsInContext(text, scratch);
  for (let i = 0; i < encoded.length; i++) scratch.push(encoded[i]);
}

/**
 * Every identifier in `text`, sorted and non-overlapping; the shared empty array when there are none.
 * A decoded token is scanned one level less deep than the text it came from, so only top-level
 * scans are shared (`shared-findings.ts`).
 */
export function findIdentifiers(text: string): readonly IdentifierMatch[] {
  return decodeDepth === 0 ? detectShared(text) : detect(text);
}

function detect(text: string): readonly IdentifierMatch[] {
  const canonical = canonicalText(text);
  const encoded = encodedMatches(canonical);
  detectCanonical(canonical, encoded);
  if (scratch.length === 0) return NO_MATCHES;
  const merged = mergeOverlapping(scratch.slice());
  return canonical === text ? merged : originalSpans(text, merged);
}

const detectShared = shareable(detect);

export function placeholder(category: Category): string {
  return `[REDACTED:${category}]`;
}

/** `text` with each match replaced by a placeholder naming its category. */
export function replaceMatches(text: string, matches: readonly IdentifierMatch[]): string {
  let result = '';
  let from = 0;
  for (const match of matches) {
    result += text.slice(from, match.start) + placeholder(match.category);
    from = match.end;
  }
  return result + text.slice(from);
}

/** Spaces, format and zero-width characters around a value (what `wholeValueCategory` ignores). */
const SURROUNDING_BLANKS = /^[\s\p{Cf}]+|[\s\p{Cf}]+$/gu;

/** The category of a value that is, as a whole, exactly one identifier (surrounding blanks aside). */
export function wholeValueCategory(value: string): Category | undefined {
  const trimmed = value.replace(SURROUNDING_BLANKS, '');
  const matches = findIdentifiers(trimmed);
  return matches.length === 1 && matches[0].start === 0 && matches[0].end === trimmed.length
    ? matches[0].category
    : undefined;
}
