/**
 * Finds CN resident IDs, CN mobiles and bank cards written inside (canonical) text.
 *
 * The text is cut into maximal digit runs: digit groups joined by a short gap of separators (up to
 * five characters, at most one of them a mark other than space or bracket): space, tab and double
 * spaces, `-` (every Unicode dash folds to it), `.`, `/`, `_`, `:`, `|`, `·`, ` - `, ` | `, `) `, ` (`.
 * Within a run, every span of whole groups is checked as one number; windows inside a group never
 * are (a 28-digit trade number contains 18-digit windows, but it is one number, not an ID).
 *
 * What keeps dates, times, versions and amounts out:
 * - a span joins groups with one kind of gap: spaces and dashes mix freely (`+86 138-0013-8000`), and
 *   the gap after a country code (`+86`, `0086`, `86` at the start of a run) may be of any kind
 *   (`+86.138 0013 8000`). A span that mixes other kinds (`4111.1111-1111 1111`) is only an identifier
 *   with a checksum, and never across a `:` (`2024-01-15 13:45:30` is a date and a time, not a number);
 * - a lone `.` between two groups, with no other `.` gap next to it, is a decimal point: nothing is
 *   joined across it, and the groups touching it (`13800138000.50`, `v2.5402231979…`, `卡号4693…9.1`)
 *   are identifiers only when they prove it with a checksum (a resident ID's check character, or a
 *   card's issuer range and Luhn): a mobile or an unchecked UnionPay number next to a decimal point is
 *   read as a decimal. Several dots (`141.2764.4347`, `192.168.1.10`) are not a decimal;
 * - in a span of several groups each group has at least two digits (`4 13800138000` is two numbers),
 *   except the last group of a card written in fours (`4000 0000 0000 6`);
 * - a mobile is never read from thousands grouping (`13 800 138 000`, `13.800.138.000`);
 * - a run that is, as a whole, 18 characters shaped like a resident ID (`620102 19900101 1234`) is an
 *   ID or a mistyped one: its parts are not read as cards;
 * - a run in groups of four is one number (`4803 0316 4094 3300 52`: its first 16 digits are not a
 *   card), or, past 19 digits, cards written one after another, each starting four groups after the
 *   last (`4111 1111 1111 1111 5555 5555 5555 4444`); no mobile is read from it;
 * - dots after a version mark (`v13.10.10.10000`, `version 2.1.13800`) make a version: only
 *   identifiers with a checksum are read there.
 */
import type { Category } from '../categories';
import { isBankCardDigits, isCheckedBankCardDigits } from './bank-card';
import { isCnMobileDigits } from './cn-mobile';
import { hasResidentIdShape, isCnResidentId15, isCnResidentId18 } from './cn-resident-id';
import type { IdentifierMatch } from './match';

// Kept local, like the other character tests of this hot loop: a call across modules costs a getter under tsx.
function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const MAX_IDENTIFIER_DIGITS = 19;
const MIN_IDENTIFIER_DIGITS = 11;
const MIN_JOINED_GROUP_DIGITS = 2;
const CARD_GROUP_DIGITS = 4;
const MAX_GAP_CHARS = 5;
const ID_CHARS = 18;
/** Groups of four in a 16-digit card. */
const CARDS_PER_RUN_STEP = 4;

// Gap kinds. SPACE covers spaces, tabs, line breaks, dashes and brackets.
const GAP_SPACE = 1;
const GAP_DOT = 2;
const GAP_OTHER = 3; // + the character code, so `/`, `_`, `:`, `|`, `·` are each their own kind
const GAP_COLON = GAP_OTHER + 58;

const CODE_PLUS = 43;
const CODE_OPEN = 40;
const CODE_CLOSE = 41;
const CODE_DOT = 46;
const MIDDLE_DOT = 0xb7;

function isSpaceLike(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** The kind a separator mark gives its gap, or 0 when the character cannot be in a gap. */
function markKind(code: number): number {
  switch (code) {
    case 45: // -
      return GAP_SPACE;
    case CODE_DOT:
      return GAP_DOT;
    case 47: // /
    case 95: // _
    case 58: // :
    case 124: // |
    case MIDDLE_DOT:
      return GAP_OTHER + code;
    default:
      return 0;
  }
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

/** Next to a decimal point only identifiers with a checksum count. */
function classifyCheckedDigits(digits: string): Category | undefined {
  if (digits.length === 18 && isCnResidentId18(digits)) return 'cn_resident_id';
  return isCheckedBankCardDigits(digits) ? 'bank_card' : undefined;
}

// Scratch space for the groups of the current run, reused across calls (the scan is synchronous).
const groupStart: number[] = [];
const groupEnd: number[] = [];
/** Kind of the gap after group i (0 after the last group). */
const gapKind: number[] = [];
/** Whether the gap after group i is a decimal point. */
const decimalPoint: boolean[] = [];
/** Whether the gap after group i is a lone `.` (a decimal point unless other dots are next to it). */
const bareDot: boolean[] = [];
/** Whether the gap after group i holds a closing bracket: `(135) 3621…`. */
const closesBracket: boolean[] = [];

/**
 * The end of the gap starting at `from` (the index of the next group's first digit), or -1 when
 * no group follows or the gap is not one. Records the gap's kind for group `group`.
 */
function readGap(text: string, from: number, group: number): number {
  let kind = GAP_SPACE;
  let marks = 0;
  let opens = 0;
  let closes = 0;
  let i = from;
  const limit = Math.min(text.length, from + MAX_GAP_CHARS);
  for (; i < limit; i++) {
    const code = text.charCodeAt(i);
    if (isAsciiDigit(code)) break;
    if (isSpaceLike(code)) continue;
    if (code === CODE_OPEN) {
      if (++opens > 1) return -1;
      continue;
    }
    if (code === CODE_CLOSE) {
      if (++closes > 1) return -1;
      continue;
    }
    const mark = markKind(code);
    if (mark === 0 || ++marks > 1) return -1;
    kind = mark;
  }
  if (i === from || i >= text.length || !isAsciiDigit(text.charCodeAt(i))) return -1;
  gapKind[group] = kind;
  bareDot[group] = i === from + 1 && text.charCodeAt(from) === CODE_DOT;
  closesBracket[group] = closes > 0;
  return i;
}

/** A country code (`86`, `0086`, or any group right after `+`) as the first group of a run. */
function isCountryCodeGroup(text: string, group: number, plusBefore: boolean): boolean {
  if (group !== 0) return false;
  const length = groupEnd[0] - groupStart[0];
  if (plusBefore) return true;
  const start = groupStart[0];
  return (length === 2 && text.startsWith('86', start)) || (length === 4 && text.startsWith('0086', start));
}

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
    let groups = 0;
    let runDigits = 0;
    let endsWithX = false;
    for (;;) {
      groupStart[groups] = i;
      while (i < length && isAsciiDigit(text.charCodeAt(i))) i++;
      groupEnd[groups] = i;
      gapKind[groups] = 0;
      bareDot[groups] = false;
      closesBracket[groups] = false;
      runDigits += i - groupStart[groups];
      groups++;
      if (i < length && isCheckX(text.charCodeAt(i))) {
        endsWithX = true;
        i++;
        break;
      }
      const next = i < length ? readGap(text, i, groups - 1) : -1;
      if (next === -1) break;
      i = next;
    }
    digitCount += runDigits;
    if (runDigits >= MIN_IDENTIFIER_DIGITS - (endsWithX ? 1 : 0)) checkRunSpans(text, groups, runDigits, endsWithX, out);
  }
  return digitCount;
}

/** A run that starts with a country code is a phone number: none of its dots is a decimal point. */
function markDecimalPoints(groups: number, countryCode: boolean): void {
  for (let g = 0; g < groups - 1; g++) {
    decimalPoint[g] = bareDot[g] && !countryCode && !(g > 0 && gapKind[g - 1] === GAP_DOT) && !(g + 1 < groups - 1 && gapKind[g + 1] === GAP_DOT);
  }
  decimalPoint[groups - 1] = false;
}

/** `13 800 138 000`: a first group of 1–3 digits, then groups of exactly three. */
function isThousandsGrouping(first: number, last: number): boolean {
  if (last - first < 2 || groupEnd[first] - groupStart[first] > 3) return false;
  for (let g = first + 1; g <= last; g++) if (groupEnd[g] - groupStart[g] !== 3) return false;
  return true;
}

/** Where a span starting at group `first` begins: a `+` and an opening bracket before the run belong to it. */
function spanStart(text: string, first: number, plusBefore: boolean): number {
  let start = groupStart[first];
  if (first !== 0) return start;
  if (plusBefore) start--;
  if (text.charCodeAt(start - 1) === CODE_OPEN && closesBracket[0]) start--;
  return start;
}

/** Three or more groups of four, the last one shorter or not: how cards are written. */
function isCardGrouped(groups: number): boolean {
  if (groups < 3) return false;
  for (let g = 0; g < groups - 1; g++) if (groupEnd[g] - groupStart[g] !== CARD_GROUP_DIGITS) return false;
  return groupEnd[groups - 1] - groupStart[groups - 1] <= CARD_GROUP_DIGITS;
}

const VERSION_MARK = /(?:^|[^A-Za-z])(?:[vV]|[vV]er(?:sion)?\.? ?|[bB]uild ?)$/;

/** `v13.10.10.10000`, `version 2.13.8001`: a dotted run right after a version mark is a version. */
function isAfterVersionMark(text: string, runStart: number): boolean {
  return runStart > 0 && VERSION_MARK.test(text.slice(Math.max(0, runStart - 9), runStart));
}

/** All digits of the run (and its X), when that is 18 characters shaped like a resident ID. */
function isIdShapedRun(text: string, groups: number, runDigits: number, endsWithX: boolean): boolean {
  if (groups < 2 || runDigits + (endsWithX ? 1 : 0) !== ID_CHARS) return false;
  let all = '';
  for (let g = 0; g < groups; g++) all += text.slice(groupStart[g], groupEnd[g]);
  return hasResidentIdShape(endsWithX ? `${all}X` : all);
}

/** Whether a gap of the current run is a decimal point (after `markDecimalPoints`). */
function hasDecimalPoint(groups: number): boolean {
  for (let g = 0; g < groups - 1; g++) if (decimalPoint[g]) return true;
  return false;
}

function checkRunSpans(text: string, groups: number, runDigits: number, endsWithX: boolean, out: IdentifierMatch[]): void {
  const plusBefore = groupStart[0] >= 1 && text.charCodeAt(groupStart[0] - 1) === CODE_PLUS;
  const countryCode = groups > 1 && isCountryCodeGroup(text, 0, plusBefore);
  markDecimalPoints(groups, countryCode);
  // `620102 19900101 1234` is a resident ID (or a mistyped one) in groups: its parts are not cards.
  // `2000 1300 0000 004` is one number in fours: no card or mobile hides in part of it.
  // An ID is not written with a decimal point: an ID-shaped run with one (`卡号22000020000101008.1`, a
  // card, a decimal point, a digit) is searched span by span like any other run (no span crosses a
  // decimal point, so read as a whole it could hold nothing).
  const inCardGroups = isCardGrouped(groups);
  const wholeRunOnly = (isIdShapedRun(text, groups, runDigits, endsWithX) && !hasDecimalPoint(groups)) || (inCardGroups && runDigits <= MAX_IDENTIFIER_DIGITS);
  const version = isAfterVersionMark(text, groupStart[0]);

  for (let first = 0; first < groups; first++) {
    // In fours, a number starts every four groups (`4111 1111 1111 1111 5555 5555 5555 4444`), not in between.
    if (inCardGroups && first % CARDS_PER_RUN_STEP !== 0) continue;
    const joinable = groupEnd[first] - groupStart[first] >= MIN_JOINED_GROUP_DIGITS;
    const afterDecimalPoint = first > 0 && decimalPoint[first - 1];
    let kind = 0;
    let mixed = false;
    let inFours = true;
    let short = false;
    let digits = '';
    for (let last = first; last < groups; last++) {
      const groupLength = groupEnd[last] - groupStart[last];
      if (last > first) {
        const gap = last - 1;
        if (decimalPoint[gap] || !joinable || short) break;
        // After a country code or a closing bracket (`+86 (138) 0013·8000`), any kind of gap may follow.
        if (!(gap === 0 && countryCode) && !closesBracket[gap] && !(gap > 0 && closesBracket[gap - 1] && kind === 0)) {
          if (kind === 0) kind = gapKind[gap];
          else if (kind !== gapKind[gap]) {
            if (kind === GAP_COLON || gapKind[gap] === GAP_COLON) break;
            mixed = true;
          }
        }
        // A short group may only end a span, and only after groups of four.
        short = groupLength < MIN_JOINED_GROUP_DIGITS;
        if (short && !inFours) break;
      }
      inFours &&= groupLength === CARD_GROUP_DIGITS;
      if (digits.length + groupLength > MAX_IDENTIFIER_DIGITS) break;
      digits += text.slice(groupStart[last], groupEnd[last]);
      if (wholeRunOnly && !(first === 0 && last === groups - 1)) continue;
      const checkedOnly = mixed || afterDecimalPoint || decimalPoint[last];
      const start = spanStart(text, first, plusBefore);
      if (endsWithX && last === groups - 1 && digits.length === 17 && hasResidentIdShape(`${digits}X`)) {
        // 17 digits and an X shaped like an ID: an ID, or a mistyped one, never a 17-digit card.
        if (isCnResidentId18(`${digits}X`)) out.push({ start, end: groupEnd[last] + 1, category: 'cn_resident_id' });
        continue;
      }
      let category = checkedOnly || (version && kind === GAP_DOT) ? classifyCheckedDigits(digits) : classifyDigits(digits);
      if (category === 'cn_mobile' && (isThousandsGrouping(first, last) || (inCardGroups && !(first === 0 && last === groups - 1)))) category = undefined;
      if (category !== undefined) out.push({ start, end: groupEnd[last], category });
    }
  }
}
