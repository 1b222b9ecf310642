import { cardDigitsOf, isBankCardDigits, maskPanDigits, passesLuhn } from '../../../../lambda/core/detectors/bank-card';

describe('bank card numbers', () => {
  test.each([
    ['4111111111111111', 'Visa test PAN'],
    ['4222222222222', '13-digit Visa'],
    ['378282246310005', '15-digit Amex'],
    ['5555555555554444', 'Mastercard'],
    ['2221000000000009', 'Mastercard 2-series'],
    ['2200000000000004', 'Mir'],
    ['6011111111111117', 'Discover'],
    ['3530111333300000', 'JCB'],
    ['8171999927660000', 'UnionPay 81 range, Luhn-valid'],
    ['6222021234567890', 'UnionPay 62, fails Luhn but 16 digits'],
    ['6212345678901234567', 'UnionPay 62, 19 digits, fails Luhn'],
    ['36227206271667', '14-digit Diners'],
    ['6759649826438453', 'Maestro'],
    ['501800000009', '12-digit Maestro'],
    ['2204000000000000', 'Mir 2204'],
    ['6062826786276634', 'Hipercard'],
  ])('%s is a card (%s)', (digits) => {
    expect(isBankCardDigits(digits)).toBe(true);
  });

  test.each([
    ['4111111111111112', 'fails Luhn, not 62'],
    ['440308199901101516', '18 digits starting 44, passes Luhn: no network issues it (a mistyped ID)'],
    ['110105194912310020', '18 digits starting 11, passes Luhn'],
    ['3500000000000009', 'JCB is 3528–3589: 3500 is no card'],
    ['8172000000000005', 'UnionPay 81 is 8100–8171'],
    ['40000000000000006', '17-digit Visa: Visa issues 13, 16 and 19'],
    ['620102199001011234', 'Gansu ID shape (62 + a real date) with a wrong check char: a mistyped ID, not UnionPay'],
    ['621234567890123', '62 but only 15 digits and fails Luhn'],
    ['1716960000000', 'epoch milliseconds (starts 1)'],
    ['2088000000000001', 'Alipay partner id 2088..., Luhn-valid but outside the 2-series card ranges'],
    ['0000000000000000', 'starts 0'],
    ['411111111111', '12 digits'],
    ['41111111111111111111', '20 digits'],
  ])('%s is not a card (%s)', (digits) => {
    expect(isBankCardDigits(digits)).toBe(false);
  });

  test('Luhn itself', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });

  test.each([
    ['4111 1111 1111 1111', '4111111111111111'],
    ['4111-1111-1111-1111', '4111111111111111'],
    [' 6222021234567890 ', '6222021234567890'],
    ['4111 1111 1111 1112', undefined],
    ['4111x1111x1111x1111', undefined],
    ['4111.1111.1111.1111', '4111111111111111'],
    ['4111_1111_1111_1111', '4111111111111111'],
    ['４１１１\u2014１１１１\u2014１１１１\u2014１１１１', '4111111111111111'],
    ['4111\u200b1111\u00a01111\u20091111', '4111111111111111'],
    ['٤١١١١١١١١١١١١١١١', '4111111111111111'],
  ])('cardDigitsOf(%j) = %j', (value, digits) => {
    expect(cardDigitsOf(value)).toBe(digits);
  });

  test('masking keeps at most BIN 6 and the last 4', () => {
    expect(maskPanDigits('4111111111111111')).toBe('411111******1111');
    expect(maskPanDigits('6212345678901234567')).toBe('621234*********4567');
  });
});
