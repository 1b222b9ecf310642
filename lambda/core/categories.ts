/**
 * The categories of personal financial information the data plane detects, and the JR/T 0171-2020
 * level each one is graded at. The names are part of the public contract: they appear in scan
 * reports, placeholders (`[REDACTED:bank_card]`), token prefixes and declaration manifests.
 */
export const CATEGORIES = [
  'cn_resident_id',
  'bank_card',
  'cn_mobile',
  'email',
  'payment_transaction_id',
  'ip_address',
  'sensitive_auth_data',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** JR/T 0171-2020 grades: C3 is the most sensitive. */
export type Level = 'C1' | 'C2' | 'C3';

export const LEVEL_OF: Readonly<Record<Category, Level>> = {
  // JR/T 0171 C2 names ID documents, card/account numbers, phone numbers and transaction records.
  cn_resident_id: 'C2',
  bank_card: 'C2',
  cn_mobile: 'C2',
  // An e-mail address is a login name and contact channel tied to the account: C2 account data.
  email: 'C2',
  payment_transaction_id: 'C2',
  // JR/T 0171 does not name IP addresses. C1 covers data internal to the institution (account
  // opening time, payment tokens); an IP captured at payment time links a transaction to a device
  // and a location (whereabouts is PIPL Art. 28 sensitive), which is transaction-record data, so we
  // take the higher grade when the standard leaves room: fail closed.
  ip_address: 'C2',
  // CVN/CVN2, PINs, passwords and track data are authentication data: C3.
  sensitive_auth_data: 'C3',
};

const LEVEL_RANK: Readonly<Record<Level, number>> = { C1: 1, C2: 2, C3: 3 };

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

/** The highest level among some categories, or undefined when there are none. */
export function highestLevel(categories: Iterable<Category>): Level | undefined {
  let highest: Level | undefined;
  for (const category of categories) {
    const level = LEVEL_OF[category];
    if (highest === undefined || LEVEL_RANK[level] > LEVEL_RANK[highest]) highest = level;
  }
  return highest;
}

export function compareLevels(a: Level, b: Level): number {
  return LEVEL_RANK[a] - LEVEL_RANK[b];
}
