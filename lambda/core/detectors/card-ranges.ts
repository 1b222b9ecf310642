/**
 * Issuer identification number (IIN) ranges and PAN lengths per card network (issue #10, item 7),
 * from the `credit-card-type` package (Braintree's table: Visa, Mastercard incl. the 2-series,
 * American Express, Diners Club, Discover, JCB, UnionPay 62 and 81, Maestro, Mir, Elo, Hiper,
 * Hipercard, Troy, Naranja, Verve).
 *
 * The package answers one number at a time by walking every network and pattern (a few microseconds a
 * call, measured in `test/lambda/core/detectors/card-ranges.test.ts`); the detectors ask this for every
 * candidate span of 12–19 digits. So its data is compiled once, at module load, into disjoint intervals
 * of 8-digit prefixes, each with a bit mask of the lengths issued there: one binary search a lookup.
 *
 * Two changes to the package's data, both on purpose:
 * - Visa: the package lists lengths 16, 18 and 19. 13 is added (Visa's legacy 13-digit PANs are still
 *   in old records: fail closed), and 18 removed: no Visa BIN issues 18-digit PANs, and 18 digits
 *   starting 4 are what mistyped PRC resident IDs of Guangdong (44…), Hubei (42…) and Henan (41…) look
 *   like; 10% of them pass Luhn by chance (issue #10: "an 18-digit number starting 44… is no card").
 * - Nothing else: UnionPay numbers that fail Luhn are handled in `bank-card.ts` (the 62 rule), not here.
 */
import creditCardType from 'credit-card-type';

/** Prefixes are compared as their first PREFIX_DIGITS digits (the package's longest pattern has 8). */
const PREFIX_DIGITS = 8;

interface LengthOverride {
  readonly add?: readonly number[];
  readonly remove?: readonly number[];
}

const LENGTH_OVERRIDES: Readonly<Record<string, LengthOverride>> = {
  visa: { add: [13], remove: [18] },
};

export const SHORTEST_PAN = 12;
export const LONGEST_PAN = 19;

interface Interval {
  /** First 8-digit prefix of the interval (inclusive); it runs to the next interval's start. */
  readonly from: number;
  /** Bit n set: PANs of n digits are issued in this interval (0 for a gap between ranges). */
  readonly lengths: number;
}

function patternBounds(pattern: number | number[]): [number, number] {
  const [low, high] = Array.isArray(pattern) ? pattern : [pattern, pattern];
  const digits = String(low).length;
  const scale = 10 ** (PREFIX_DIGITS - digits);
  return [low * scale, (high + 1) * scale];
}

function lengthMask(type: string, lengths: readonly number[]): number {
  const override = LENGTH_OVERRIDES[type] ?? {};
  const all = new Set([...lengths, ...(override.add ?? [])]);
  for (const removed of override.remove ?? []) all.delete(removed);
  let mask = 0;
  for (const length of all) mask |= 1 << length;
  return mask;
}

interface Range {
  readonly from: number;
  readonly to: number;
  readonly lengths: number;
}

/** Every pattern of every network as a half-open range of 8-digit prefixes with its length mask. */
function ranges(): Range[] {
  return Object.values(creditCardType.types).flatMap((type) => {
    const info = creditCardType.getTypeInfo(type);
    const lengths = lengthMask(type, info.lengths);
    return info.patterns.map((pattern) => {
      const [from, to] = patternBounds(pattern);
      return { from, to, lengths };
    });
  });
}

/** Disjoint, sorted intervals of the 8-digit prefix space with the union of lengths issued there. */
function compileIntervals(): Interval[] {
  const all = ranges();
  const boundaries = [...new Set(all.flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  const intervals: Interval[] = [{ from: 0, lengths: 0 }];
  for (const at of boundaries) {
    let lengths = 0;
    for (const r of all) if (r.from <= at && at < r.to) lengths |= r.lengths;
    intervals.push({ from: at, lengths });
  }
  return intervals;
}

const INTERVALS = compileIntervals();
const STARTS = Float64Array.from(INTERVALS.map((i) => i.from));
const LENGTHS = Int32Array.from(INTERVALS.map((i) => i.lengths));

function prefixOf(digits: string): number {
  let prefix = 0;
  for (let i = 0; i < PREFIX_DIGITS; i++) prefix = prefix * 10 + (digits.charCodeAt(i) - 48);
  return prefix;
}

/** Whether some network issues PANs of this length under this prefix (ASCII digits, 12–19 of them). */
export function isIssuedPan(digits: string): boolean {
  const length = digits.length;
  if (length < SHORTEST_PAN || length > LONGEST_PAN) return false;
  const prefix = prefixOf(digits);
  let low = 0;
  let high = STARTS.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (STARTS[mid] <= prefix) low = mid;
    else high = mid - 1;
  }
  return (LENGTHS[low] & (1 << length)) !== 0;
}

/** The networks the package names for a number (slow path, for tests and diagnostics). */
export function networksOf(digits: string): string[] {
  return creditCardType(digits)
    .filter((card) => lengthMask(card.type, card.lengths) & (1 << digits.length))
    .map((card) => card.type);
}
