import { carriesValue, containsTrackData, isSensitiveAuthFieldName } from '../../../../lambda/core/detectors/sensitive-auth-data';

describe('sensitive authentication data', () => {
  test.each([
    'cvv', 'CVV2', 'cvc', 'cvn2', 'cardCvv', 'card_cvn', 'pin', 'PIN', 'userPin', 'pinBlock', 'pin_block', 'PINBlock',
    'track1', 'track2', 'trackData', 'track2Data', 'magstripe', 'payPassword', 'password', 'otp', 'smsCode',
    'securityCode', 'authCode', '支付密码', '安全码', '短信验证码',
  ])('field name %s is refused', (name) => {
    expect(isSensitiveAuthFieldName(name)).toBe(true);
  });

  test.each([
    'cvvResult', 'pinVerified', 'shipping', 'pinyin', 'spinner', 'trackingNumber', 'track', 'passwordChangedAt',
    'merchantId', 'cid', 'code', 'amount',
  ])('field name %s is fine', (name) => {
    expect(isSensitiveAuthFieldName(name)).toBe(false);
  });

  test.each([
    [';4111111111111111=25121010000000000000?', true],
    ['4111111111111111D25121010000000000000F', true],
    ['%B4111111111111111^ZHANG/SAN^2512101000000000000?', true],
    ['4111111111111111', false],
    ['id=4111111111111111', false],
    ['4111111111111111=2512', false],
    ['2024010122001400000000000001', false],
  ])('track data in %j → %s', (text, expected) => {
    expect(containsTrackData(text)).toBe(expected);
  });

  test.each([
    ['123', true],
    [123, true],
    ['', false],
    ['  ', false],
    [null, false],
    [false, false],
    [{}, false],
    [{ block: 'x' }, true],
    [[], false],
  ])('a value of %j carries data: %s', (value, expected) => {
    expect(carriesValue(value)).toBe(expected);
  });
});
