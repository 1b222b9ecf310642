/**
 * Finds CN resident IDs, CN mobiles and bank cards written inside text.
 *
 * The text is cut into maximal digit runs: digit groups joined by a single space, dash, no-break or
 * ideographic space (`6222 0212 3456 7890`, `+86 138-0013-8000`, `110105 19491231 002X`). Within a run,
 * every span of whole groups is checked as one number. Windows inside a group are never checked: a
 * 28-digit trade number contains 18-digit windows, but it is one number, not an ID. Groups touching
 * a decimal point and a digit (`13800138000.50`, `10.13800138000`) belong to a decimal and are skipped.
 */
import type { Category } from '../categories';
import { isBankCardDigits } from './bank-card';
import { isCnMobileDigits } from './cn-mobile';
import { isCnResidentId15, isCnResidentId18 } from './cn-resident-id';
import type { IdentifierMatch } from './match';

// Kept local, like the other character tests of this hot loop: a call across modules costs a getter under tsx.
function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const MAX_IDENTIFIER_DIGITS = 19;
const MIN_IDENTIFIER_DIGITS = 11;
/**
 * In a span of several groups each group has at least this many digits: `4 13800138000` is two
 * numbers. One exception: a card written in fours ends with whatever is left (`4000 0000 0000 6`).
 */
const MIN_JOINED_GROUP_DIGITS = 2;
const CARD_GROUP_DIGITS = 4;

function isGroupSeparator(code: number): boolean {
  return code === 32 || code === 45 || code === 0xa0 || code === 0x3000;
}

function isCheckX(code: number): boolean {
  return code === 88 || code === 120;
}

/** The category of a number given as digits only, or undefined. */
export function classifyDigits(digits: string): Category | undefined {
  const length = digits.length;
  if (length < MIN_IDENTIFIER_DIGITS || length > MAX_IDENTIFIER_DIGITS) return undefined;
  if (length === 18 && isCnResidentId18(digits)) return 'cn_resident_id';
  if (length === 15 && isCnResidentId15(digits)) return 'cn_resident_id';
  if (isCnMobileDigits(digits)) return 'cn_mobile';
  if (isBankCardDigits(digits)) return 'bank_card';
  return undefined;
}

// Scratch space for the groups of the current run, reused across calls (the scan is synchronous).
const groupStart: number[] = [];
const groupDigitsEnd: number[] = [];

/**
 * Appends every identifier written as a digit run in `text` to `out` (overlapping spans included:
 * the caller merges them). Returns how many ASCII digits the text holds, a cheap pre-filter for the
 * other detectors.
 */
export function findDigitRunIdentifiers(text: string, out: IdentifierMatch[]): number {
  const length = text.length;
  let digitCount = 0;
  let i = 0;
  while (i < length) {
    if (!isAsciiDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const runStart = i;
    let groups = 0;
    let runDigits = 0;
    let endsWithX = false;
    for (;;) {
      groupStart[groups] = i;
      while (i < length && isAsciiDigit(text.charCodeAt(i))) i++;
      groupDigitsEnd[groups] = i;
      runDigits += i - groupStart[groups];
      groups++;
      if (i < length && isCheckX(text.charCodeAt(i))) {
        endsWithX = true;
        i++;
        break;
      }
      if (i + 1 < length && isGroupSeparator(text.charCodeAt(i)) && isAsciiDigit(text.charCodeAt(i + 1))) {
        i++;
        continue;
      }
      break;
    }
    digitCount += runDigits;
    if (runDigits >= MIN_IDENTIFIER_DIGITS - (endsWithX ? 1 : 0)) {
      checkRunSpans(text, runStart, groups, endsWithX, out);
    }
  }
  return digitCount;
}

function checkRunSpans(text: string, runStart: number, groups: number, endsWithX: boolean, out: IdentifierMatch[]): void {
  const runEnd = groupDigitsEnd[groups - 1];
  const firstBlocked = runStart >= 2 && text.charCodeAt(runStart - 1) === 46 && isAsciiDigit(text.charCodeAt(runStart - 2));
  const lastBlocked = !endsWithX && text.charCodeAt(runEnd) === 46 && isAsciiDigit(text.charCodeAt(runEnd + 1));
  const plusBefore = runStart >= 1 && text.charCodeAt(runStart - 1) === 43;
  const firstUsable = firstBlocked ? 1 : 0;
  const lastUsable = lastBlocked ? groups - 2 : groups - 1;

  for (let first = firstUsable; first <= lastUsable; first++) {
    const joinable = groupDigitsEnd[first] - groupStart[first] >= MIN_JOINED_GROUP_DIGITS;
    let inFours = true;
    let short = false;
    let digits = '';
    for (let last = first; last <= lastUsable; last++) {
      const groupLength = groupDigitsEnd[last] - groupStart[last];
      if (last > first) {
        // A short group may only end a span, and only after groups of four.
        if (!joinable || short) break;
        short = groupLength < MIN_JOINED_GROUP_DIGITS;
        if (short && !inFours) break;
      }
      inFours &&= groupLength === CARD_GROUP_DIGITS;
      if (digits.length + groupLength > MAX_IDENTIFIER_DIGITS) break;
      digits += text.slice(groupStart[last], groupDigitsEnd[last]);
      const start = first === 0 && plusBefore ? runStart - 1 : groupStart[first];
      if (endsWithX && last === groups - 1 && digits.length === 17 && isCnResidentId18(digits + 'X')) {
        out.push({ start, end: groupDigitsEnd[last] + 1, category: 'cn_resident_id' });
        continue;
      }
      const category = classifyDigits(digits);
      if (category !== undefined) out.push({ start, end: groupDigitsEnd[last], category });
    }
  }
}
