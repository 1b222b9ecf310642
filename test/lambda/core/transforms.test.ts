import { emptyCounts, lastFour, maskPan, REDACTED, scrubDeep, tokenizeValue } from '../../../lambda/core/transforms';
import { tokenize } from '../../../lambda/core/tokens';
import { KEY } from './support';

describe('last4', () => {
  test.each([
    ['11010519491231002X', '002X'],
    ['138 0013 8000', '8000'],
    ['6222-0212-3456-7890', '7890'],
    [13800138000, '8000'],
  ])('%j → %j', (value, expected) => {
    const counts = emptyCounts();
    expect(lastFour(value, counts)).toBe(expected);
    expect(counts.truncated).toBe(1);
  });

  test.each([['1234'], ['12'], [{ id: '11010519491231002X' }], [true]])('%j cannot hide anything: redacted whole and counted', (value) => {
    const counts = emptyCounts();
    expect(lastFour(value, counts)).toBe(REDACTED);
    expect(counts.transformFallbacks).toBe(1);
  });

  test('null and empty strings pass: nothing to protect', () => {
    expect(lastFour(null, emptyCounts())).toBeNull();
    expect(lastFour('', emptyCounts())).toBe('');
  });

  test('arrays are transformed element by element', () => {
    expect(lastFour(['11010519491231002X', '440308199901101512'], emptyCounts())).toEqual(['002X', '1512']);
  });
});

describe('mask_pan', () => {
  test.each([
    ['4111111111111111', '411111******1111'],
    ['6222 0212 3456 7890', '622202******7890'],
    [4111111111111111, '411111******1111'],
  ])('%j → %j', (value, expected) => {
    const counts = emptyCounts();
    expect(maskPan(value, counts)).toBe(expected);
    expect(counts.masked).toBe(1);
  });

  test.each([['n/a'], ['4111111111111112'], ['call 4111111111111111'], [{ pan: '4111111111111111' }]])(
    '%j is not a card number: redacted whole, never passed through',
    (value) => {
      const counts = emptyCounts();
      expect(maskPan(value, counts)).toBe(REDACTED);
      expect(counts.transformFallbacks).toBe(1);
    },
  );
});

describe('token', () => {
  test('typed by what the value is, the same for every way of writing it', () => {
    const counts = emptyCounts();
    const spaced = tokenizeValue('+86 138 0013 8000', KEY, counts);
    expect(spaced).toMatch(/^tok_cn_mobile_[A-Za-z0-9_-]{43}$/);
    expect(tokenizeValue('13800138000', KEY, counts)).toBe(spaced);
    expect(tokenizeValue('138-0013-8000', KEY, counts)).toBe(spaced);
    expect(counts.tokenized).toBe(3);
  });

  test('a value no detector knows gets a text token', () => {
    expect(tokenizeValue('Example Pte Ltd', KEY, emptyCounts())).toBe(tokenize(KEY, 'text', 'Example Pte Ltd'));
  });
});

describe('scrubDeep (keep and redact)', () => {
  test('strings, numbers, nested objects, arrays and keys are all scanned', () => {
    const counts = emptyCounts();
    const value = {
      note: 'id 11010519491231002X',
      pan: 4111111111111111,
      small: 42,
      nested: { list: ['ok', 'mail a@b.co'], deeper: { n: 13800138000 } },
      byMobile: { '13800138000': 'vip' },
    };
    expect(scrubDeep(value, counts, 'safetyNetRedactions')).toEqual({
      note: 'id [REDACTED:cn_resident_id]',
      pan: '[REDACTED:bank_card]',
      small: 42,
      nested: { list: ['ok', 'mail [REDACTED:email]'], deeper: { n: '[REDACTED:cn_mobile]' } },
      byMobile: { '[REDACTED:cn_mobile]': 'vip' },
    });
    expect(counts.safetyNetRedactions).toBe(5);
    expect(counts.redactions).toBe(0);
  });

  test('keys that redact to the same placeholder do not overwrite each other', () => {
    const out = scrubDeep({ '13800138000': 1, '13900139000': 2 }, emptyCounts(), 'redactions');
    expect(out).toEqual({ '[REDACTED:cn_mobile]': 1, '[REDACTED:cn_mobile]#2': 2 });
  });

  test('text without identifiers is returned as is', () => {
    expect(scrubDeep('settlement batch 20260303-6765', emptyCounts(), 'redactions')).toBe('settlement batch 20260303-6765');
  });
});
