import fc from 'fast-check';
import { canonicalText, isCanonical, originalSpans } from '../../../../lambda/core/text/canonical';

describe('canonical text', () => {
  test.each([
    ['plain ascii 123', 'plain ascii 123'],
    ['１２３４５６', '123456'],
    ['٠١٢٣٤٥٦٧٨٩', '0123456789'],
    ['۰۱۲', '012'],
    ['०१२', '012'],
    ['𝟏𝟐𝟑', '123'],
    ['1\u200b2\u00ad3\u20604\ufeff5\u200e6', '123456'],
    ['1\u20102\u20113\u20124\u20135\u20146\u20157\u22128\uff0d9', '1-2-3-4-5-6-7-8-9'],
    ['1\u00a02\u202f3\u20094\u30005', '1 2 3 4 5'],
    ['1·2・3･4', '1·2·3·4'],
    ['ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'user@example.com'],
    ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X'],
    ['ＣＶＶ：１２３', 'CVV:123'],
    ['卡号４１１１', '卡号4111'],
    ['①②', '12'],
  ])('%j → %j', (text, canonical) => {
    expect(canonicalText(text)).toBe(canonical);
  });

  test('ASCII and plain CJK text is returned as is', () => {
    const text = 'memo 13800138000';
    expect(canonicalText(text)).toBe(text);
    expect(isCanonical('客户张伟')).toBe(true);
    expect(isCanonical('客户：张伟')).toBe(false);
  });

  test('spans map back to exactly the characters written', () => {
    const text = '卡号：４１１１\u200b１１１１ １１１１ １１１１。';
    const canonical = canonicalText(text);
    const [span] = originalSpans(text, [{ start: canonical.indexOf('4111'), end: canonical.indexOf('。') }]);
    expect(text.slice(span.start, span.end)).toBe('４１１１\u200b１１１１ １１１１ １１１１');
  });

  test('property: every canonical span maps to an original span that folds back to it', () => {
    const char = fc.constantFrom('a', '1', ' ', '１', '٣', '\u200b', '－', '：', '张', 'Ｘ', '＠', '\u00ad', '𝟗', '①', 'é', '\u0301');
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(), (chars, a, b) => {
        const text = chars.join('');
        const canonical = canonicalText(text);
        fc.pre(canonical.length > 0);
        const start = a % canonical.length;
        const end = start + 1 + (b % (canonical.length - start));
        const [span] = originalSpans(text, [{ start, end }]);
        expect(canonicalText(text.slice(span.start, span.end))).toBe(canonical.slice(start, end));
      }),
      { numRuns: 500 },
    );
  });
});
