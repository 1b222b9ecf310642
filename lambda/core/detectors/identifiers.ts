/**
 * One pass over a string with every value-based detector: what the safety net, the `redact`
 * transform and the scan use. Cheap pre-filters first, since almost every string in a payment record
 * (amounts, currencies, dates, names) holds no identifier at all: the digit-run walk counts digits as
 * it goes, and the e-mail, IP and transaction-id detectors only run when their marker is present.
 */
import type { Category } from '../categories';
import { findDigitRunIdentifiers } from './digit-runs';
import { findEmails } from './email';
import { findIpv4Addresses, findIpv6Addresses } from './ip-address';
import type { IdentifierMatch } from './match';
import { findTransactionIdsInContext } from './payment-transaction-id';

const NO_MATCHES: readonly IdentifierMatch[] = Object.freeze([]);
const MIN_IPV4_DIGITS = 4;
const MIN_CONTEXT_ID_DIGITS = 10;
const IPV6_FULL_FORM_COLONS = 7;
/** Every context phrase of the transaction-id detector contains one of these. */
const CONTEXT_HINT = /[Nn][Oo]|[Ii][Dd]|号/;

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

/** Every identifier in `text`, sorted and non-overlapping; the shared empty array when there are none. */
export function findIdentifiers(text: string): readonly IdentifierMatch[] {
  if (scratch.length !== 0) scratch.length = 0;
  const digitCount = findDigitRunIdentifiers(text, scratch);
  if (digitCount >= MIN_IPV4_DIGITS && hasThreeDots(text)) findIpv4Addresses(text, scratch);
  if (mayHoldIpv6(text)) findIpv6Addresses(text, scratch);
  if (text.includes('@')) findEmails(text, scratch);
  if (digitCount >= MIN_CONTEXT_ID_DIGITS && CONTEXT_HINT.test(text)) findTransactionIdsInContext(text, scratch);
  if (scratch.length === 0) return NO_MATCHES;
  return mergeOverlapping(scratch.slice());
}

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

/** The category of a value that is, as a whole, exactly one identifier (surrounding spaces aside). */
export function wholeValueCategory(value: string): Category | undefined {
  const trimmed = value.trim();
  const matches = findIdentifiers(trimmed);
  return matches.length === 1 && matches[0].start === 0 && matches[0].end === trimmed.length
    ? matches[0].category
    : undefined;
}
