import fc from 'fast-check';
import {
  carriesValue,
  classifySensitiveAuthName,
  containsTrackData,
  isSensitiveAuthFieldName,
  locateSensitiveAuthData,
  sensitiveAuthDataInField,
  sensitiveAuthDataInText,
} from '../../../../lambda/core/detectors/sensitive-auth-data';
import { desensitizeRecord } from '../../../../lambda/core/desensitize';
import { planWith } from '../support';
import { cardCodeInText, pinInText, trackData } from './generators';

describe('sensitive authentication data: field names', () => {
  test.each([
    'cvv', 'CVV2', 'cvc', 'cvn2', 'cardCvv', 'card_cvn', 'pin', 'PIN', 'userPin', 'pinBlock', 'pin_block', 'PINBlock',
    'track1', 'track2', 'trackData', 'track2Data', 'magstripe', 'payPassword', 'password', 'otp', 'smsCode',
    'securityCode', 'authCode', '支付密码', '安全码', '短信验证码',
    // issue #10: names the last-word rule missed
    'cvvValue', 'cvv_number', 'cvvCode', 'pin_encrypted', 'pinValue', 'ＣＶＶ', '安全码值', 'cvv-value', 'CVV2Value',
    'cvvvalue', 'cardcvv2', 'pinvalue', 'C\u200bVV', '校验码', '磁道', '二磁道数据', 'CVN2', 'CVC2', 'cardCid', 'cid_value',
    'PIN block', 'pin-block-enc', 'encryptedPin', 'card_security_code', 'one_time_password', 'cardCode', 'ｐｉｎ',
  ])('%s is refused', (name) => {
    expect(isSensitiveAuthFieldName(name)).toBe(true);
  });

  test.each([
    'cvvResult', 'cvv2Match', 'cvvResponseCode', 'cvv_result_code', 'pinVerified', 'pinEntryMode', 'pin_tries', 'passwordChangedAt',
    'otpSentAt', '密码修改时间', '验证码发送状态', 'cid', 'CID',
  ])('%s is about the code, not the code: refused only with a card-code-shaped value', (name) => {
    expect(isSensitiveAuthFieldName(name)).toBe(false);
    expect(classifySensitiveAuthName(name)).toBe('card_code_if_shaped');
    expect(sensitiveAuthDataInField(name, 'M')).toBeUndefined();
    expect(sensitiveAuthDataInField(name, 'customer-88121')).toBeUndefined();
    expect(sensitiveAuthDataInField(name, '517')).toBe('field_name');
    expect(sensitiveAuthDataInField(name, 4821)).toBe('field_name');
  });

  test.each(['shipping', 'pinyin', 'spinner', 'opinion', 'trackingNumber', 'track', 'merchantId', 'code', 'amount', 'customerName'])(
    'field name %s is fine',
    (name) => {
      expect(classifySensitiveAuthName(name)).toBe('none');
    },
  );
});

describe('sensitive authentication data: values in text', () => {
  test.each([
    ['cvv2=517', 'named_value'],
    ['CVV: 123', 'named_value'],
    ['安全码：447', 'named_value'],
    ['PIN 1234', 'named_value'],
    ['pin block: 0412AC89ABCDEF01', 'named_value'],
    ['OTP 123456', 'named_value'],
    ['验证码：123456', 'named_value'],
    ['password=hunter2', 'named_value'],
    ['cvv2＝５１７', 'named_value'],
    ['ＣＶＶ：１２３', 'named_value'],
    ['note {"cvv":"123"} end', 'named_value'],
    ['cardCVV 123', 'named_value'],
    ['密码 123456', 'named_value'],
    [';4111111111111111=25121010000000000000?', 'track_data'],
    ['4111111111111111D25121010000000000000F', 'track_data'],
    ['%B4111111111111111^ZHANG/SAN^2512101000000000000?', 'track_data'],
    ['%b4111111111111111^ZHANG/SAN^2512101000?', 'track_data'],
    ['4111 1111 1111 1111=2512101000', 'track_data'],
    ['4111111111111111＝25121010000', 'track_data'],
    ['4111111111111111 = 2512101000000', 'track_data'],
    ['4111111111111111|2512101000000', 'track_data'],
    ['57134111111111111111D25121010000000F', 'track_data'],
    ['%B4111 1111 1111 1111^ZHANG/SAN^2512101?', 'track_data'],
  ])('%j carries %s', (text, kind) => {
    expect(sensitiveAuthDataInText(text)).toBe(kind);
  });

  test.each([
    'password: ****', 'CVV not provided', 'PIN 2024-01-15', 'spinning 1234 times', 'opinion 1234', '密码已修改', 'cvv',
    '4111111111111111', 'id=4111111111111111', '4111111111111111=2512', '2024010122001400000000000001',
    'order|1234567890123|2024010', 'a=b|c^d', 'settlement batch 20260315-1234',
  ])('%j carries nothing', (text) => {
    expect(sensitiveAuthDataInText(text)).toBeUndefined();
  });

  test('containsTrackData keeps answering for track data only', () => {
    expect(containsTrackData('%b4111111111111111^ZHANG/SAN^2512101000?')).toBe(true);
    expect(containsTrackData('cvv2=517')).toBe(false);
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

describe('sensitive authentication data in records', () => {
  const plan = planWith({ fields: { memo: { keep: { enum: ['paid', 'refunded'] }, onMismatch: 'redact' }, note: 'redact' }, otherFields: 'redact' });

  const sad = fc.oneof(trackData, cardCodeInText, pinInText);
  const filler = fc.stringMatching(/^[A-Za-z 张三，。]{0,10}$/);
  const placement = fc.constantFrom('memo', 'note', 'nested', 'array', 'key');

  test('track data, card codes and PINs in free text, at any depth or in a key, quarantine the record', () => {
    fc.assert(
      fc.property(sad, filler, filler, placement, (value, before, after, where) => {
        const text = `${before} ${value} ${after}`;
        const record =
          where === 'memo' ? { memo: text } : where === 'note' ? { note: text } : where === 'nested' ? { a: { b: { c: text } } } : where === 'array' ? { a: ['x', { note: text }] } : { a: { [text]: true } };
        expect(locateSensitiveAuthData(record)).toBeDefined();
        const result = desensitizeRecord(record, plan);
        expect(result.status).toBe('quarantined');
        if (result.status === 'quarantined') expect(result.reason).toBe('sensitive_auth_data');
      }),
      { numRuns: 400 },
    );
  });

  test('a SAD field under any normalised name quarantines the record', () => {
    const name = fc.constantFrom('cvvValue', 'cvv_number', 'cvvCode', 'pin_encrypted', 'pinValue', 'ＣＶＶ', '安全码值', 'CVN2', 'PIN block', 'track2Data');
    fc.assert(
      fc.property(name, fc.constantFrom('123', 4567, '0412AC89ABCDEF01', { enc: 'x' }), (key, value) => {
        const result = desensitizeRecord({ card: { [key]: value }, memo: 'ok' }, plan);
        expect(result.status).toBe('quarantined');
      }),
    );
  });

  test('the finding names its kind and where it is', () => {
    expect(locateSensitiveAuthData({ a: [{ memo: 'x cvv2=517' }] })).toEqual({ path: 'a[0].memo', byName: false, kind: 'named_value' });
    expect(locateSensitiveAuthData({ card: { cvvValue: '123' } })).toEqual({ path: 'card.cvvValue', byName: true, kind: 'field_name' });
    expect(locateSensitiveAuthData({ card: { cvvResult: 'M', cid: 'c-1001' } })).toBeUndefined();
    expect(locateSensitiveAuthData({ memo: 'refund 4111 1111 1111 1111 ok' })).toBeUndefined();
  });
});
