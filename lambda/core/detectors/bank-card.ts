/**
 * Bank card numbers (PANs).
 *
 * 13–19 digits passing the Luhn check, or, because some UnionPay cards do not pass Luhn, any 16–19
 * digit number starting 62 (a fail-closed gate treats those as cards). Numbers starting 0 or 1 are not
 * cards: no payment network issues them (1 is the airline UATP range, outside PCI DSS), and excluding
 * them keeps 13-digit epoch-millisecond timestamps and zero-padded references out of the card category.
 * Of the 2 range only Mir (2200–2204) and Mastercard (2221–2720) issue cards, which keeps 16-digit
 * Alipay partner ids (2088...) out too.
 */

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

/** A card number given as digits only (callers strip grouping spaces and dashes first). */
export function isBankCardDigits(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  if (first < 2 || first > 9) return false;
  if (first === 2 && !isIssuedTwoRange(Number(digits.slice(0, 4)))) return false;
  return isUnionPayRange(digits) || passesLuhn(digits);
}

function isIssuedTwoRange(prefix: number): boolean {
  return (prefix >= 2200 && prefix <= 2204) || (prefix >= 2221 && prefix <= 2720);
}

const CARD_SEPARATORS = /[ -]/g;
const ONLY_DIGITS = /^\d+$/;

/**
 * The digits of a whole value that is a card number, possibly grouped by spaces or dashes
 * (`6222 0212 3456 7890`), or undefined when it is not one.
 */
export function cardDigitsOf(value: string): string | undefined {
  const digits = value.trim().replace(CARD_SEPARATORS, '');
  return ONLY_DIGITS.test(digits) && isBankCardDigits(digits) ? digits : undefined;
}

/**
 * Truncation for a PAN that is stored or sent (PCI DSS 4.0.1 Req. 3.5.1): at most the BIN (first 6)
 * and the last 4 digits; the rest masked. (Req. 3.4.1, the same limit for display, is about screens.)
 */
export function maskPanDigits(digits: string): string {
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4);
}
