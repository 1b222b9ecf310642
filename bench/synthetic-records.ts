/**
 * Synthetic payment records for the benchmark: realistic shapes and values (valid IDs, cards and
 * mobiles in the formats people write them, memos with identifiers inside, look-alikes that fail
 * their checksums, a few records with a CVV), from a seeded generator so runs are comparable.
 */
import { cnResidentIdCheckChar, passesLuhn } from '../lambda/core';

/** A small deterministic PRNG (mulberry32): the same seed gives the same file. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function digits(random: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 10);
  return s;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

const REGIONS = ['110105', '310104', '440305', '330106', '510107', '620102', '320502'];

export function residentId(random: Random): string {
  const year = 1950 + Math.floor(random() * 55);
  const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  const first17 = pick(random, REGIONS) + year + month + day + digits(random, 3);
  return first17 + cnResidentIdCheckChar(first17);
}

/** 18 digits with a wrong check character: an order number, not an ID. */
export function residentIdLookAlike(random: Random): string {
  const id = residentId(random);
  const wrong = id[17] === '0' ? '1' : '0';
  return id.slice(0, 17) + wrong;
}

export function cardNumber(random: Random): string {
  const prefix = pick(random, ['4', '51', '62', '35']);
  const length = prefix === '62' ? 19 : 16;
  const body = prefix + digits(random, length - prefix.length - 1);
  for (let check = 0; check < 10; check++) if (passesLuhn(body + check)) return body + check;
  throw new Error('unreachable: one check digit always passes Luhn');
}

export function mobile(random: Random): string {
  const number = '1' + pick(random, ['3', '5', '7', '8', '9']) + digits(random, 9);
  switch (Math.floor(random() * 4)) {
    case 0:
      return number;
    case 1:
      return `+86 ${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`;
    case 2:
      return `${number.slice(0, 3)}-${number.slice(3, 7)}-${number.slice(7)}`;
    default:
      return `0086${number}`;
  }
}

function grouped(card: string): string {
  return card.replace(/(\d{4})(?=\d)/g, '$1 ');
}

const NAMES = ['张伟', '王芳', 'Tan Wei Ming', 'Nguyen Van An', 'Siti Rahmah', '李娜'];
const MERCHANTS = ['Lion City Electronics', '深圳跨境优选', 'Bangkok Travel Co.', 'KL Fashion Hub'];

export function syntheticRecord(random: Random, index: number): Record<string, unknown> {
  const date = `2026${String(1 + (index % 12)).padStart(2, '0')}${String(1 + (index % 28)).padStart(2, '0')}`;
  const card = cardNumber(random);
  const memoKind = random();
  const memo =
    memoKind < 0.25
      ? `客户来电 ${mobile(random)}，核对身份证 ${residentId(random)}`
      : memoKind < 0.4
        ? `refund to card ${grouped(cardNumber(random))} requested by ${pick(random, NAMES)}`
        : memoKind < 0.5
          ? `order ref ${residentIdLookAlike(random)}, contact ops@example.com`
          : `settlement batch ${date}-${digits(random, 4)}`;
  const record: Record<string, unknown> = {
    txn: {
      tradeNo: date + '2200' + digits(random, 16),
      outTradeNo: `M${digits(random, 14)}`,
      amount: Math.round(random() * 500000) / 100,
      currency: pick(random, ['CNY', 'SGD', 'USD', 'THB']),
      createdAt: `2026-03-${String(1 + (index % 28)).padStart(2, '0')}T10:${String(index % 60).padStart(2, '0')}:00+08:00`,
    },
    payer: {
      name: pick(random, NAMES),
      idNumber: residentId(random),
      mobile: mobile(random),
      email: `user${index}@example.com`,
    },
    card: { pan: random() < 0.5 ? card : grouped(card), expiry: '12/29', bank: 'ICBC' },
    merchant: { id: `2088${digits(random, 12)}`, name: pick(random, MERCHANTS) },
    device: { ip: `10.${index % 256}.${(index >> 8) % 256}.${1 + (index % 250)}` },
    memo,
  };
  // About one record in a thousand still carries a CVV: it must be quarantined, never transformed.
  if (random() < 0.001) (record.card as Record<string, unknown>).cvv = digits(random, 3);
  return record;
}
