import { findIdentifiers, replaceMatches, wholeValueCategory } from '../../../../lambda/core/detectors/identifiers';

function found(text: string): [string, string][] {
  return findIdentifiers(text).map((m) => [text.slice(m.start, m.end), m.category]);
}

describe('identifiers inside text', () => {
  test('a memo with a mobile and an ID number: both found', () => {
    expect(found('call 13800138000 id 11010519491231002X')).toEqual([
      ['13800138000', 'cn_mobile'],
      ['11010519491231002X', 'cn_resident_id'],
    ]);
  });

  test.each([
    ['2024010122001400000000000001', 'a 28-digit trade number holds valid-ID windows, but is one number'],
    ['9911010519491231002X', 'an ID with digits glued in front'],
    ['1380013800012', 'a 13-digit number starting with a mobile'],
    ['amount 13800138000.50', 'a decimal'],
    ['rate 0.13800138000', 'digits after a decimal point'],
    ['order 110105194912310021', 'an 18-digit order number whose check char is wrong'],
    ['ref 4111111111111112', 'a 16-digit reference failing Luhn outside the UnionPay range'],
    ['ts 1716960000000', 'epoch milliseconds'],
    ['qty 2 x 4 units', 'small numbers'],
  ])('%j: nothing (%s)', (text) => {
    expect(found(text)).toEqual([]);
  });

  test.each([
    ['card 4111 1111 1111 1111 ok', '4111 1111 1111 1111', 'bank_card'],
    ['card 4111-1111-1111-1111.', '4111-1111-1111-1111', 'bank_card'],
    ['银联卡6222021234567890已冻结', '6222021234567890', 'bank_card'],
    ['tel13800138000', '13800138000', 'cn_mobile'],
    ['phone (+86) 138 0013 8000', '(+86) 138 0013 8000', 'cn_mobile'],
    ['phone +86 138 0013 8000', '+86 138 0013 8000', 'cn_mobile'],
    ['身份证110105 19491231 002X。', '110105 19491231 002X', 'cn_resident_id'],
    ['old id 110105491231002', '110105491231002', 'cn_resident_id'],
    ['{"pan":4111111111111111}', '4111111111111111', 'bank_card'],
    ['13-digit card in fours: 4222 2222 2222 2 ok', '4222 2222 2222 2', 'bank_card'],
  ])('%j: finds %j as %s', (text, value, category) => {
    expect(found(text)).toEqual([[value, category]]);
  });

  test('separate numbers joined by a space are each checked', () => {
    expect(found('13800138000 11010519491231002X')).toEqual([
      ['13800138000', 'cn_mobile'],
      ['11010519491231002X', 'cn_resident_id'],
    ]);
    expect(found('4 13800138000')).toEqual([['13800138000', 'cn_mobile']]);
    expect(found('13800138000 4')).toEqual([['13800138000', 'cn_mobile']]);
    // A lone digit does not join a neighbour to make an identifier, except to end a card in fours.
    expect(found('room 1 3800138000')).toEqual([]);
    expect(found('ref 1380013800 0')).toEqual([]);
  });

  test('overlapping findings merge into one span, so nothing is left half-redacted', () => {
    expect(found('13800138000@163.com')).toEqual([['13800138000@163.com', 'email']]);
  });

  test('replaceMatches puts a placeholder naming each category', () => {
    const text = 'call 13800138000 id 11010519491231002X, mail a@b.co';
    expect(replaceMatches(text, findIdentifiers(text))).toBe(
      'call [REDACTED:cn_mobile] id [REDACTED:cn_resident_id], mail [REDACTED:email]',
    );
  });

  test.each([
    [' 11010519491231002X ', 'cn_resident_id'],
    ['+86 138 0013 8000', 'cn_mobile'],
    ['a@b.co', 'email'],
    ['call 13800138000', undefined],
    ['hello', undefined],
  ])('wholeValueCategory(%j) = %j', (value, category) => {
    expect(wholeValueCategory(value)).toBe(category);
  });
});
