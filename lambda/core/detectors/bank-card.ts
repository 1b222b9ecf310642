/**
 * Bank card numbers (PANs).
 *
 * A card is a number that some network issues at that length under that prefix (`card-ranges.ts`,
 * compiled from `credit-card-type`) and that passes Luhn; or, because some UnionPay cards do not pass
 * Luhn, any 16–19 digit number starting 62 (a fail-closed gate treats those as cards). So epoch
 * timestamps (13 digits starting 1), Alipay partner ids (`2088…`), and 18-digit numbers starting 44 or
 * 11 (mistyped resident IDs that happen to pass Luhn) are not cards: no network issues them.
 *
 * One more precision rule, for 18 digits: a number shaped like a PRC resident ID (a province prefix
 * and a birth date that exists) whose check character is wrong is a mistyped ID or an order number,
 * not a card, even where Maestro, JCB, Mir or UnionPay issue 18-digit PANs. A random 18-digit PAN has
 * that shape about once in 2,000 (the date alone: ~1.3% of years, 12% of months, ~30% of days), while
 * mistyped IDs are common in Chinese records.
 */
import { canonicalText } from '../text/canonical';
import { isIssuedPan } from './card-ranges';
import { hasResidentIdShape } from './cn-resident-id';

/** Luhn (mod 10) over a string of ASCII digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function isUnionPayRange(digits: string): boolean {
  return digits.length >= 16 && digits.length <= 19 && digits.charCodeAt(0) === 54 && digits.charCodeAt(1) === 50;
}

const ID_LENGTH = 18;

/**
 * A card that proves itself: issued range and length, and Luhn. What the detectors still accept where
 * digits could be something else (next to a decimal point: `卡号4693…9.1`).
 */
export function isCheckedBankCardDigits(digits: string): boolean {
  if (digits.length === ID_LENGTH && hasResidentIdShape(digits)) return false;
  return isIssuedPan(digits) && passesLuhn(digits);
}

/** A card number given as ASCII digits only (callers strip separators first). */
export function isBankCardDigits(digits: string): boolean {
  if (digits.length === ID_LENGTH && hasResidentIdShape(digits)) return false;
  return isUnionPayRange(digits) || (isIssuedPan(digits) && passesLuhn(digits));
}

/** What may stand between the digit groups of a card written as a whole value. */
const CARD_SEPARATORS = /[\s\-./_:|\u00b7()]+/g;
const ONLY_DIGITS = /^\d+$/;

/**
 * The digits of a whole value that is a card number, written in any notation the detectors read
 * (`6222 0212 3456 7890`, `4111.1111.1111.1111`, full-width digits, zero-width characters inside), or
 * undefined when it is not one.
 */
export function cardDigitsOf(value: string): string | undefined {
  const digits = canonicalText(value).trim().replace(CARD_SEPARATORS, '');
  return ONLY_DIGITS.test(digits) && isBankCardDigits(digits) ? digits : undefined;
}

/**
 * Truncation for a PAN that is stored or sent (PCI DSS 4.0.1 Req. 3.5.1): at most the BIN (first 6)
 * and the last 4 digits; the rest masked. (Req. 3.4.1, the same limit for display, is about screens.)
 */
export function maskPanDigits(digits: string): string {
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4);
}
