/**
 * Alipay `trade_no` and WeChat Pay `transaction_id` values have no check digit (Alipay's are
 * typically 28 digits and date-prefixed, WeChat's 28 digits starting 42), so a value alone proves
 * nothing: they are found by the field that holds them or by the words just before them in text.
 */
import type { IdentifierMatch } from './match';

/** Field names (lower-cased, separators removed) that hold payment transaction ids. */
const TRANSACTION_ID_NAME = /^(?:out)?(?:trade|transaction|txn|trans|refund|payment)(?:no|id|num|number)$/;
const SEPARATORS = /[^a-z0-9]/g;
const MIN_ID_LENGTH = 10;
const MAX_ID_LENGTH = 64;
const MIN_ID_DIGITS = 10;

/** Words that introduce a transaction id in free text, then the id itself (captured). */
const IN_CONTEXT =
  /(?:out[_ ]trade[_ ]no|trade[_ ]?no|transaction[_ ]?id|txn[_ ]?id|交易单号|交易号|订单号|流水号|商户单号)[\s:：=#"'是为]{0,4}([A-Za-z0-9]{10,64})(?![A-Za-z0-9])/gi;

function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** `tradeNo`, `trade_no`, `out_trade_no`, `transactionId`, `txn_id`, ... (the last path segment). */
export function isTransactionIdFieldName(name: string): boolean {
  return TRANSACTION_ID_NAME.test(name.toLowerCase().replace(SEPARATORS, ''));
}

/** A value shaped like a transaction id: 10–64 characters of `[A-Za-z0-9_-]`, at least 10 of them digits. */
export function looksLikeTransactionId(value: string): boolean {
  if (value.length < MIN_ID_LENGTH || value.length > MAX_ID_LENGTH) return false;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45)) return false;
  }
  return digits >= MIN_ID_DIGITS;
}

export function findTransactionIdsInContext(text: string, out: IdentifierMatch[]): void {
  IN_CONTEXT.lastIndex = 0;
  for (let m = IN_CONTEXT.exec(text); m !== null; m = IN_CONTEXT.exec(text)) {
    const id = m[1];
    if (countDigits(id) < MIN_ID_DIGITS) continue;
    const end = m.index + m[0].length;
    out.push({ start: end - id.length, end, category: 'payment_transaction_id' });
  }
}
