import { findIdentifiers } from '../../../../lambda/core/detectors/identifiers';
import { isTransactionIdFieldName, looksLikeTransactionId } from '../../../../lambda/core/detectors/payment-transaction-id';

const ALIPAY_TRADE_NO = '2024010122001400000000000001';
const WECHAT_TRANSACTION_ID = '4200001234202401011234567890';

describe('payment transaction ids', () => {
  test.each([
    ['tradeNo', true],
    ['trade_no', true],
    ['out_trade_no', true],
    ['transactionId', true],
    ['transaction_id', true],
    ['txnId', true],
    ['refund_id', true],
    ['trade', false],
    ['tradeName', false],
    ['amount', false],
  ])('field name %s → %s', (name, expected) => {
    expect(isTransactionIdFieldName(name)).toBe(expected);
  });

  test.each([
    [ALIPAY_TRADE_NO, true],
    [WECHAT_TRANSACTION_ID, true],
    ['M20240101123456', true],
    ['ABCDEFGHIJKL', false],
    ['12345', false],
    ['2024 0101 2200', false],
  ])('value shape %s → %s', (value, expected) => {
    expect(looksLikeTransactionId(value)).toBe(expected);
  });

  test('a 28-digit trade number alone is not flagged by value: it has no check digit', () => {
    expect(findIdentifiers(ALIPAY_TRADE_NO)).toEqual([]);
    expect(findIdentifiers(WECHAT_TRANSACTION_ID)).toEqual([]);
  });

  test.each([
    [`refund for trade_no: ${ALIPAY_TRADE_NO} approved`, ALIPAY_TRADE_NO],
    [`transaction_id=${WECHAT_TRANSACTION_ID}`, WECHAT_TRANSACTION_ID],
    [`交易号 ${ALIPAY_TRADE_NO}`, ALIPAY_TRADE_NO],
    [`订单号：${WECHAT_TRANSACTION_ID}。`, WECHAT_TRANSACTION_ID],
  ])('found by the words before it: %j', (text, id) => {
    const matches = findIdentifiers(text);
    expect(matches.map((m) => [text.slice(m.start, m.end), m.category])).toEqual([[id, 'payment_transaction_id']]);
  });

  test('context words followed by something that is not an id find nothing', () => {
    expect(findIdentifiers('trade_no: pending, ask ops')).toEqual([]);
  });
});
