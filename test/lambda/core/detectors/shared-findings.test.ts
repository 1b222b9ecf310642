import fc from 'fast-check';
import { findIdentifiers } from '../../../../lambda/core/detectors/identifiers';
import { sensitiveAuthDataInText } from '../../../../lambda/core/detectors/sensitive-auth-text';
import { shareable, sharingFindings } from '../../../../lambda/core/detectors/shared-findings';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const percent = (s: string) => [...Buffer.from(s, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

// Identifiers hidden one, two and three encodings deep: the detector decodes two levels only, so the
// same text is found at the top and not when it is itself a decoded token (the depth must not be shared).
const plain: fc.Arbitrary<string> = fc.constantFrom('13800138000', '11010519491231002X', '6222021234567890123', 'a@b.cn', '10.1.2.3', 'cvv2=517', 'PIN 1234', '%B4111111111111111^X/Y^2912?', 'CNY', '');
const encoded = fc.tuple(plain, fc.array(fc.constantFrom(b64, percent), { maxLength: 3 })).map(([text, encodings]) => encodings.reduce<string>((t, encode) => encode(t), text));
const text = fc.oneof(plain, encoded, fc.string({ maxLength: 30 }), fc.tuple(fc.string({ maxLength: 8 }), encoded).map(([a, b]) => `${a} ${b}`));

describe('shared findings: the readers of one record scan each value once, with the same results', () => {
  test('findIdentifiers and sensitiveAuthDataInText inside a sharing scope give what they give outside it, in any order of texts', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 12 }), (texts) => {
        const alone = texts.map((t) => [findIdentifiers(t), sensitiveAuthDataInText(t)]);
        // Each text twice, and the encodings of a text next to the text itself.
        const shared = sharingFindings(() => [...texts, ...texts].map((t) => [findIdentifiers(t), sensitiveAuthDataInText(t)]));
        expect(shared).toEqual([...alone, ...alone]);
      }),
      { numRuns: 300 },
    );
  });

  test('an identifier three encodings deep is not found, two deep it is, whichever is scanned first in the scope', () => {
    const two = b64(b64('13800138000'));
    const three = b64(two);
    expect(findIdentifiers(two)).toHaveLength(1);
    expect(findIdentifiers(three)).toHaveLength(0);
    expect(sharingFindings(() => [findIdentifiers(two).length, findIdentifiers(three).length])).toEqual([1, 0]);
    expect(sharingFindings(() => [findIdentifiers(three).length, findIdentifiers(two).length])).toEqual([0, 1]);
  });

  test('a detector runs once per text inside a scope, again in the next scope, and every time outside', () => {
    const calls: string[] = [];
    const detect = shareable((t: string) => {
      calls.push(t);
      return t.length;
    });
    sharingFindings(() => [detect('a'), detect('bb'), detect('a'), sharingFindings(() => detect('bb'))]);
    expect(calls).toEqual(['a', 'bb']);
    sharingFindings(() => detect('a'));
    detect('a');
    detect('a');
    expect(calls).toEqual(['a', 'bb', 'a', 'a', 'a']);
  });

  test('nothing is kept after the work throws', () => {
    const calls: string[] = [];
    const detect = shareable((t: string) => {
      calls.push(t);
      return t;
    });
    expect(() =>
      sharingFindings(() => {
        detect('x');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    sharingFindings(() => detect('x'));
    expect(calls).toEqual(['x', 'x']);
  });
});
