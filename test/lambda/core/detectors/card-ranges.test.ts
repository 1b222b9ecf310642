import creditCardType from 'credit-card-type';
import fc from 'fast-check';
import { isIssuedPan, networksOf } from '../../../../lambda/core/detectors/card-ranges';
import { digitString } from './generators';

describe('IIN ranges and lengths (compiled from credit-card-type)', () => {
  test.each([
    ['4111111111111111', ['visa']],
    ['5555555555554444', ['mastercard']],
    ['2221000000000009', ['mastercard']],
    ['378282246310005', ['american-express']],
    ['6011111111111117', ['discover']],
    ['3530111333300000', ['jcb']],
    ['8171999927660000', ['unionpay']],
    ['2200000000000004', ['mir']],
  ])('%s is issued by %j', (digits, networks) => {
    expect(isIssuedPan(digits)).toBe(true);
    expect(networksOf(digits)).toEqual(expect.arrayContaining(networks));
  });

  /** The package's patterns matched by prefix, one network at a time (the package itself keeps only the most specific). */
  function issuedByPackage(digits: string): boolean {
    return Object.values(creditCardType.types).some((type) => {
      const info = creditCardType.getTypeInfo(type);
      if (!info.lengths.includes(digits.length) || (type === 'visa' && digits.length === 18)) return false;
      return info.patterns.some((pattern) => {
        const [low, high] = Array.isArray(pattern) ? pattern : [pattern, pattern];
        const prefix = Number(digits.slice(0, String(low).length));
        return prefix >= low && prefix <= high;
      });
    });
  }

  test('agrees with the package on every prefix and length, except the documented Visa lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 19 }), digitString(19), fc.constantFrom('', '4', '5', '6', '62', '3', '2', '81', '65'), (length, body, lead) => {
        const digits = (lead + body).slice(0, length);
        const fromPackage = issuedByPackage(digits);
        const visa13 = digits.startsWith('4') && length === 13;
        expect(isIssuedPan(digits)).toBe(fromPackage || visa13);
      }),
      { numRuns: 3000 },
    );
  });

  test('speed: the compiled lookup is much faster than the package (at least 5× per number)', () => {
    // The package takes about 0.2 ms per number, the lookup about 50 ns: a small sample is plenty.
    const numbers = fc.sample(fc.tuple(fc.integer({ min: 12, max: 19 }), digitString(19)).map(([l, b]) => b.slice(0, l)), 400);
    const time = (f: (d: string) => unknown) => {
      const started = process.hrtime.bigint();
      for (let r = 0; r < 2; r++) for (const d of numbers) f(d);
      return Number(process.hrtime.bigint() - started) / (2 * numbers.length);
    };
    time(isIssuedPan);
    time(creditCardType);
    const perNumber = { compiled: Math.round(time(isIssuedPan)), library: Math.round(time(creditCardType)) };
    expect({ ...perNumber, fiveTimesFaster: perNumber.compiled * 5 < perNumber.library }).toEqual({ ...perNumber, fiveTimesFaster: true });
  });
});
