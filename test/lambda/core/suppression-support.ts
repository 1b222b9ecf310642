import fc from 'fast-check';
import { tokenize, type TokenKey } from '../../../lambda/core/tokens';

/** A person the gate may see: a CN mobile and a UnionPay card, each as the subject would be looked up. */
export interface Subject {
  readonly mobile: string;
  readonly card: string;
}

/** The token of a subject's mobile, as `residency subject token --category cn_mobile` prints it. */
export function mobileToken(key: TokenKey, subject: Subject): string {
  return tokenize(key, 'cn_mobile', subject.mobile);
}

export function cardToken(key: TokenKey, subject: Subject): string {
  return tokenize(key, 'bank_card', subject.card);
}

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

export const subject: fc.Arbitrary<Subject> = fc
  .tuple(fc.constantFrom('3', '5', '7', '8', '9'), digits(9), digits(17))
  .map(([second, rest, card]) => ({ mobile: `1${second}${rest}`, card: `62${card}` }));

/** The ways a mobile is written in the records (the gate must recognise every one). */
export const mobileSpelling = fc.constantFrom(
  (m: string) => m,
  (m: string) => `+86 ${m}`,
  (m: string) => `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`,
  (m: string) => `0086${m}`,
);

/**
 * One raw record's JSON line: a payer, maybe a counterparty mentioned in the memo, and the card
 * written as a JSON string or as a bare JSON number (which JSON.parse rounds: the gate must read its digits).
 */
export function recordLine(
  payer: Subject,
  counterparty: Subject | undefined,
  spell: (m: string) => string,
  cardAsNumber: boolean,
  n: number,
): string {
  const card = cardAsNumber ? payer.card : JSON.stringify(payer.card);
  const memo = counterparty ? JSON.stringify(`refund to ${spell(counterparty.mobile)}`) : '"settled"';
  return `{"txn":{"tradeNo":"T${n}","amount":${n}},"payer":{"mobile":${JSON.stringify(spell(payer.mobile))}},"card":{"pan":${card}},"memo":${memo}}`;
}
