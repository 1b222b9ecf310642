import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { tokenize, tokenKeyFromBytes, tokenKeyFromHex, TokenKeyError } from '../../../lambda/core/tokens';

const keyBytes = fc.uint8Array({ minLength: 32, maxLength: 64 }).filter((bytes) => bytes.some((b) => b !== bytes[0]));

describe('tokens', () => {
  test('deterministic per key, different across keys', () => {
    fc.assert(
      fc.property(keyBytes, keyBytes, fc.string({ minLength: 1 }), (a, b, value) => {
        fc.pre(Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0);
        const keyA = tokenKeyFromBytes(a);
        expect(tokenize(keyA, 'text', value)).toBe(tokenize(tokenKeyFromBytes(a), 'text', value));
        expect(tokenize(keyA, 'text', value)).not.toBe(tokenize(tokenKeyFromBytes(b), 'text', value));
      }),
    );
  });

  test('different values and different types give different tokens', () => {
    const key = tokenKeyFromBytes(Buffer.alloc(32, 7).fill(1, 0, 1));
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, y) => {
        fc.pre(x !== y);
        expect(tokenize(key, 'text', x)).not.toBe(tokenize(key, 'text', y));
      }),
    );
    // The type is part of the MAC input, not only of the prefix.
    expect(tokenize(key, 'email', 'a@b.co').slice(-43)).not.toBe(tokenize(key, 'text', 'a@b.co').slice(-43));
  });

  test('is HMAC-SHA-256 over type, a NUL separator and the normalized value', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
    const expected = createHmac('sha256', bytes).update('cn_mobile\u000013800138000').digest('base64url');
    expect(tokenize(tokenKeyFromBytes(bytes), 'cn_mobile', '+86 138 0013 8000')).toBe(`tok_cn_mobile_${expected}`);
  });

  test.each([
    ['cn_mobile', ['13800138000', '+86.138.0013.8000', '(+86) 138-0013-8000', '１３８\u200b００１３８０００', '0086 138 0013 8000']],
    ['bank_card', ['4111111111111111', '4111.1111.1111.1111', '４１１１ １１１１ １１１１ １１１１', '4111\u20141111\u20141111\u20141111']],
    ['cn_resident_id', ['11010519491231002X', '110105 19491231 002x', '１１０１０５１９４９１２３１００２Ｘ']],
    ['email', ['zhang@example.com', 'ＺＨＡＮＧ＠ＥＸＡＭＰＬＥ．ＣＯＭ']],
  ] as const)('one %s in every notation gets one token', (type, notations) => {
    const key = tokenKeyFromBytes(Buffer.alloc(32, 7).fill(1, 0, 1));
    expect(new Set(notations.map((value) => tokenize(key, type, value))).size).toBe(1);
  });

  test.each([
    ['short', 'ab'.repeat(31), /31 bytes/],
    ['not hex', 'zz'.repeat(32), /hex-encoded/],
    ['odd length', 'a'.repeat(65), /hex-encoded/],
    ['all the same byte', '00'.repeat(32), /all the same/],
  ])('refuses a %s key', (_case, hex, message) => {
    expect(() => tokenKeyFromHex(hex)).toThrow(TokenKeyError);
    expect(() => tokenKeyFromHex(hex)).toThrow(message);
  });
});
