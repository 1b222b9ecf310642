/**
 * Mainland China mobile numbers: `1[3-9]` then 9 digits, optionally with the country code written
 * `+86`, `0086` or `86-`, spaced (`138 0013 8000`) or dashed. Operator prefix tables drift every few
 * years, so the loose `1[3-9]` form is the safe one.
 */

function isBareMobile(digits: string, from: number): boolean {
  if (digits.length - from !== 11 || digits.charCodeAt(from) !== 49) return false;
  const second = digits.charCodeAt(from + 1) - 48;
  return second >= 3 && second <= 9;
}

/** Digits only (separators and a leading `+` already removed): 11, `86` + 11, or `0086` + 11. */
export function isCnMobileDigits(digits: string): boolean {
  switch (digits.length) {
    case 11:
      return isBareMobile(digits, 0);
    case 13:
      return digits.startsWith('86') && isBareMobile(digits, 2);
    case 15:
      return digits.startsWith('0086') && isBareMobile(digits, 4);
    default:
      return false;
  }
}

/** The 11-digit national number of a mobile given as digits only (for token normalization). */
export function nationalMobileNumber(digits: string): string {
  return digits.slice(-11);
}
