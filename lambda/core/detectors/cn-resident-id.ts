/**
 * PRC resident identity card numbers (GB 11643-1999).
 *
 * 18 characters: 6-digit administrative region, YYYYMMDD birth date, 3-digit sequence, and a check
 * character over the first 17 digits (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11
 * indexes `1 0 X 9 8 7 6 5 4 3 2`). The legacy 15-digit form (issued until 2004, still found in old
 * records) has a YYMMDD date in the 1900s and no check character.
 *
 * Precision: an order number that merely has 18 digits fails here unless its region prefix is a real
 * province, its date exists, is not before 1900 and not in the future, and its check character matches.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/**
 * First two digits of the region code: the provinces, autonomous regions and municipalities of GB/T
 * 2260, plus 71 (Taiwan), 81/82 (Hong Kong, Macao) and 83 (residence permits for Taiwan residents).
 * Codes starting 9 are the 2023 foreign permanent-resident ID, which shares the check scheme.
 */
const PROVINCE_CODES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62,
  63, 64, 65, 71, 81, 82, 83,
]);

const DIGIT_0 = 48;

function digitAt(text: string, index: number): number {
  return text.charCodeAt(index) - DIGIT_0;
}

function isDigitRun(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const d = digitAt(text, i);
    if (d < 0 || d > 9) return false;
  }
  return true;
}

function numberAt(text: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) n = n * 10 + digitAt(text, i);
  return n;
}

/** Today as a YYYYMMDD number (UTC), evaluated once: a long-lived process is at most a day behind. */
const TODAY = dateKey(new Date());

export function dateKey(date: Date): number {
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealBirthDate(year: number, month: number, day: number, today: number): boolean {
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return year * 10000 + month * 100 + day <= today;
}

function hasKnownRegionPrefix(text: string): boolean {
  const first = digitAt(text, 0);
  return first === 9 || PROVINCE_CODES.has(first * 10 + digitAt(text, 1));
}

/** The GB 11643 check character for 17 leading digits (callers guarantee they are digits). */
export function cnResidentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += digitAt(first17, i) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * 18 characters whose first 14 digits are a region prefix and a birth date that exists: an ID, or a
 * mistyped one when the check character is wrong (the card detector leaves those alone).
 */
export function hasResidentIdShape(value: string, today: number = TODAY): boolean {
  if (value.length !== 18 || !isDigitRun(value, 0, 17)) return false;
  if (!hasKnownRegionPrefix(value)) return false;
  return isRealBirthDate(numberAt(value, 6, 4), numberAt(value, 10, 2), numberAt(value, 12, 2), today);
}

/** An 18-character ID: 17 digits then a digit or X (either case). */
export function isCnResidentId18(value: string, today: number = TODAY): boolean {
  if (!hasResidentIdShape(value, today)) return false;
  const last = value[17] === 'x' ? 'X' : value[17];
  return cnResidentIdCheckChar(value) === last;
}

/** A legacy 15-digit ID: region, YYMMDD in the 1900s, sequence; no check character exists. */
export function isCnResidentId15(value: string): boolean {
  if (value.length !== 15 || !isDigitRun(value, 0, 15)) return false;
  // Foreign permanent-resident IDs (prefix 9) never had a 15-digit form.
  if (!PROVINCE_CODES.has(digitAt(value, 0) * 10 + digitAt(value, 1))) return false;
  return isRealBirthDate(1900 + numberAt(value, 6, 2), numberAt(value, 8, 2), numberAt(value, 10, 2), TODAY);
}

export function isCnResidentId(value: string, today: number = TODAY): boolean {
  return value.length === 15 ? isCnResidentId15(value) : isCnResidentId18(value, today);
}
