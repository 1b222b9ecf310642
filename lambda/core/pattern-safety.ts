/**
 * What a `pattern` or `enum` shape must satisfy before a rule is accepted, checked once when the
 * rule is loaded:
 * - a pattern is anchored at both ends (`^…$`, no top-level `|` that would leave one side open), so
 *   it describes the whole value, not a part of it;
 * - it compiles in Unicode mode and is at most MAX_PATTERN_CHARS long;
 * - `redos-detector` proves it cannot backtrack catastrophically within a fixed number of steps
 *   (deterministic: a pattern too complex to prove safe in that budget is refused too);
 * - it matches none of a set of sample identifiers (cards of every length and network prefix, resident
 *   IDs, mobiles in their usual notations, e-mail, IP addresses): a kept field must not be able to
 *   carry an identifier as is. This is best effort (the samples are not every identifier); the safety
 *   net that scans every kept value after its shape check is the guarantee.
 * Enum members are checked against the detectors the same way.
 */
import { isSafePattern } from 'redos-detector';
import { passesLuhn } from './detectors/bank-card';
import { cnResidentIdCheckChar } from './detectors/cn-resident-id';
import { findIdentifiers } from './detectors/identifiers';
import type { Category } from './categories';
import type { EnumMember } from './shapes';
import { patternRegExp } from './shapes';
import { errorMessage } from './errors';

export const MAX_PATTERN_CHARS = 512;
/** The proof budget of redos-detector: safe patterns of real rules need well under 100. */
const REDOS_MAX_STEPS = 1000;

function luhnComplete(body: string): string {
  for (let check = 0; check < 10; check++) if (passesLuhn(body + check)) return body + check;
  return `${body}0`;
}

function residentId(first17: string): string {
  return first17 + cnResidentIdCheckChar(first17);
}

function grouped(digits: string, separator: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, `$1${separator}`);
}

/** Sample identifiers, in the notations people write them in. Each is recognised by the detectors (a test checks). */
export const IDENTIFIER_SAMPLES: readonly { readonly category: Category; readonly value: string }[] = (() => {
  const cards = [
    luhnComplete('411111111111111'), // Visa 16
    luhnComplete('411111111111111111'), // Visa 19
    luhnComplete('555555555555444'), // Mastercard
    luhnComplete('222100000000000'), // Mastercard 2-series
    luhnComplete('37828224631000'), // Amex 15
    luhnComplete('3622720627166'), // Diners 14
    luhnComplete('353011133330000'), // JCB
    luhnComplete('601111111111111'), // Discover
    '6222021234567890', // UnionPay 16 (UnionPay needs no Luhn)
    luhnComplete('622202123456789012'), // UnionPay 19
    luhnComplete('817199992766000'), // UnionPay 81
  ];
  const ids = [residentId('11010519491231002'), residentId('44030519900307123'), residentId('31010419851111456'), '110105491231002'];
  const mobiles = ['13800138000', '15912345678', '+8613800138000', '+86 138 0013 8000', '008613800138000', '138-0013-8000', '86-13800138000'];
  return [
    ...cards.flatMap((card) => [card, grouped(card, ' '), grouped(card, '-')]).map((value) => ({ category: 'bank_card' as const, value })),
    ...[...ids, ...ids.map((id) => id.toLowerCase())].map((value) => ({ category: 'cn_resident_id' as const, value })),
    ...mobiles.map((value) => ({ category: 'cn_mobile' as const, value })),
    ...['user@example.com', 'li.na+pay@example.com.cn'].map((value) => ({ category: 'email' as const, value })),
    ...['10.1.2.3', '192.168.100.200', '2001:db8::8a2e:370:7334'].map((value) => ({ category: 'ip_address' as const, value })),
  ];
})();

/** The first `|` outside groups and character classes, or -1. */
function topLevelAlternation(pattern: string): number {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return i;
  }
  return -1;
}

function endsWithAnchor(pattern: string): boolean {
  if (!pattern.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = pattern.length - 2; i >= 0 && pattern[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** Why a pattern cannot be a shape, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_CHARS) return `is ${pattern.length} characters long; at most ${MAX_PATTERN_CHARS}`;
  if (!pattern.startsWith('^') || !endsWithAnchor(pattern)) return 'must be anchored at both ends: start with ^ and end with $ (it describes the whole value)';
  if (topLevelAlternation(pattern) !== -1) return 'has a | outside any group, which leaves one side unanchored: write ^(?:a|b)$';
  let regexp: RegExp;
  try {
    regexp = patternRegExp(pattern);
  } catch (err) {
    return `is not a valid regular expression (${errorMessage(err).replace(/^Invalid regular expression: /, '')})`;
  }
  const safety = isSafePattern(pattern, { unicode: true, maxSteps: REDOS_MAX_STEPS });
  if (!safety.safe) {
    return safety.error === 'hitMaxSteps'
      ? 'is too complex to prove free of catastrophic backtracking; simplify it'
      : 'can backtrack catastrophically (nested or overlapping repetition such as (a+)+ or \\d*\\d*); rewrite it so each character can be matched one way';
  }
  const matched = IDENTIFIER_SAMPLES.find((sample) => regexp.test(sample.value));
  if (matched !== undefined) {
    return `can match a ${matched.category} as written: a kept field must not be able to carry an identifier as is; narrow the pattern, or give the field mask_pan, last4 or token`;
  }
  return undefined;
}

/** Why an enum member cannot be kept, or undefined. */
export function enumMemberProblem(member: EnumMember): string | undefined {
  const found = findIdentifiers(String(member));
  return found.length > 0 ? `holds a ${found[0].category}: an enumeration of identifiers is not a shape` : undefined;
}
