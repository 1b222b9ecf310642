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
  ])('%s is a card (%s)', (digits) => {
    expect(isBankCardDigits(digits)).toBe(true);
  });

  test.each([
    ['4111111111111112', 'fails Luhn, not 62'],
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
  ])('cardDigitsOf(%j) = %j', (value, digits) => {
    expect(cardDigitsOf(value)).toBe(digits);
  });

  test('masking keeps at most BIN 6 and the last 4', () => {
    expect(maskPanDigits('4111111111111111')).toBe('411111******1111');
    expect(maskPanDigits('6212345678901234567')).toBe('621234*********4567');
  });
});
