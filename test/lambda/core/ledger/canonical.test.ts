import fc from 'fast-check';
import { canonicalJson, CanonicalJsonError, sha256Hex } from '../../../../lambda/core/ledger';

describe('canonicalJson', () => {
  test('sorts keys at every depth and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x y' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x y","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  test('sorts by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  test('leaves out members whose value is undefined, as an absent optional field', () => {
    expect(canonicalJson({ error: undefined, status: 'delivered' })).toBe('{"status":"delivered"}');
  });

  test('the same values in any key order give the same text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });

  test('a value read back from its canonical text serializes to the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  test.each([
    ['NaN', { counts: { out: Number.NaN } }, 'counts.out: NaN is not a finite number'],
    ['Infinity', { bytes: Number.POSITIVE_INFINITY }, 'bytes: Infinity is not a finite number'],
    ['a Date', { at: new Date(0) }, 'at: only plain objects'],
    ['a bigint', { seq: BigInt(1) }, 'seq: a bigint has no JSON form'],
    ['undefined in an array', { list: [1, undefined] }, 'list[1]: undefined inside an array'],
  ])('refuses %s, naming where it is', (_what, value, message) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(message);
  });
});

describe('sha256Hex', () => {
  test('matches the FIPS 180-2 test vector for "abc"', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('hashes the UTF-8 bytes of non-ASCII text (as `printf 银行 | sha256sum`)', () => {
    expect(sha256Hex('银行')).toBe('920e88c5a602df57efb0bf95b249acb049e34f9deeca514f81af910e62dcd72a');
  });
});
