import {
  canonicalJson,
  fileNameFor,
  hashOf,
  headOf,
  nextEntry,
  verifyChain,
  type DeclarationEntry,
  type LedgerEntry,
} from '../../../../lambda/core/ledger';
import { chainOf, declarationBody, receiptBody, sampleLedger } from '../../../support/ledger-fixtures';

/** Entries as plain JSON values, the way the verifier receives them from files. */
function asRead(entries: readonly LedgerEntry[]): Record<string, unknown>[] {
  return entries.map((entry) => JSON.parse(canonicalJson(entry)) as Record<string, unknown>);
}

function swap<T>(items: T[], i: number, j: number): T[] {
  const copy = [...items];
  [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  return copy;
}

describe('verifyChain on a good ledger', () => {
  test('accepts it and reports the count and head', () => {
    const entries = sampleLedger();
    const last = entries[entries.length - 1] as LedgerEntry;
    expect(verifyChain(asRead(entries))).toEqual({ ok: true, count: 6, head: headOf(last), entries });
  });

  test('accepts an empty ledger, which has no head', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: undefined, entries: [] });
  });
});

describe('verifyChain finds the first break', () => {
  const good = asRead(sampleLedger());

  function tamperedCounts(): Record<string, unknown>[] {
    const copy = asRead(sampleLedger());
    copy[2] = { ...copy[2], counts: { in: 1_000, out: 1_000, quarantined: 0 } };
    return copy;
  }

  function rehashed(): Record<string, unknown>[] {
    // An attacker who edits entry 3 and recomputes its hash still breaks entry 4's link.
    const copy = tamperedCounts();
    const edited = copy[2] as unknown as LedgerEntry;
    copy[2] = { ...edited, hash: hashOf(edited) };
    return copy;
  }

  test.each<[string, () => unknown[], number, RegExp]>([
    ['a tampered body', tamperedCounts, 3, /^hash mismatch: the entry was altered/],
    ['a tampered body with a recomputed hash', rehashed, 4, /^broken link: prevHash [0-9a-f]{64} is not the hash of seq 3/],
    ['a deleted entry', () => good.filter((_, i) => i !== 2), 3, /^gap: seq 3 is missing \(seq 4 follows seq 2\)/],
    ['two deleted entries', () => good.filter((_, i) => i !== 2 && i !== 3), 3, /^gap: seq 3 to 4 are missing/],
    ['a deleted first entry', () => good.slice(1), 1, /^gap: seq 1 is missing \(seq 2 follows the start of the chain\)/],
    ['two swapped entries', () => swap(good, 2, 3), 3, /^out of order: seq 4 comes before seq 3/],
    ['a repeated entry', () => [...good.slice(0, 3), good[2], ...good.slice(3)], 4, /^duplicate: a second entry claims seq 3/],
    ['an entry missing a field', () => good.map((e, i) => (i === 4 ? { ...e, counts: undefined } : e)), 5, /^malformed entry: counts: /],
    ['an entry that is not an object', () => [good[0], 'seq 2'], 2, /^malformed entry: /],
  ])('%s', (_what, entries, seq, reason) => {
    const verdict = verifyChain(entries());
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.firstBreak.seq).toBe(seq);
    expect(verdict.firstBreak.reason).toMatch(reason);
  });

  const [d1, d2] = chainOf([declarationBody(1), declarationBody(2)]) as [DeclarationEntry, DeclarationEntry];
  const r1 = nextEntry(headOf(d2), receiptBody(d1));
  test.each<[string, LedgerEntry, RegExp]>([
    ['at the wrong declaration', nextEntry(headOf(d2), receiptBody(d1, { declarationHash: d2.hash })), /^receipt names declaration hash [0-9a-f]{64}, but seq 1 has hash/],
    ['at no entry', nextEntry(headOf(d2), receiptBody(d1, { declarationSeq: 9 })), /^dangling receipt: declarationSeq 9 is not an earlier entry/],
    ['at itself', nextEntry(headOf(d2), receiptBody(d1, { declarationSeq: 3 })), /^dangling receipt: declarationSeq 3/],
    [
      'at a receipt',
      nextEntry(headOf(r1), receiptBody(d1, { declarationSeq: r1.seq, declarationHash: r1.hash })),
      /^receipt points at seq 3, which is a receipt, not a declaration/,
    ],
    [
      'with another destination region',
      nextEntry(headOf(d2), receiptBody(d1, { destination: { region: 'eu-west-1', bucket: 'b', key: 'k' } })),
      /^receipt delivered to eu-west-1, but declaration seq 1 declared ap-southeast-1/,
    ],
  ])('a receipt pointing %s', (_what, receipt, reason) => {
    const entries = receipt.seq === 3 ? [d1, d2, receipt] : [d1, d2, r1, receipt];
    const verdict = verifyChain(asRead(entries));
    expect(verdict).toEqual({ ok: false, firstBreak: { seq: receipt.seq, reason: expect.stringMatching(reason) } });
  });
});

describe('verifyChain checks what a notice points at', () => {
  const [d1, d2] = chainOf([declarationBody(1), declarationBody(2)]) as [DeclarationEntry, DeclarationEntry];
  const r1 = nextEntry(headOf(d2), receiptBody(d1));
  const noticeOf = (overrides: Record<string, unknown>) =>
    nextEntry(headOf(r1), {
      kind: 'notice',
      declarationSeq: d1.seq,
      declarationHash: d1.hash,
      receiptSeq: r1.seq,
      receiptHash: r1.hash,
      method: 's3-replication',
      destination: { region: 'ap-southeast-1', bucket: 'dest', key: d1.output.key },
      reported: 'failed',
      disposition: 'late',
      notification: 'late',
      noticedAt: '2026-03-31T10:00:00.000Z',
      ...overrides,
    });

  test('accepts a notice naming the earlier receipt of its declaration', () => {
    expect(verifyChain(asRead([d1, d2, r1, noticeOf({})])).ok).toBe(true);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['no entry', { receiptSeq: 9 }, /^dangling notice: receiptSeq 9 is not an earlier entry/],
    ['a declaration', { receiptSeq: 2, receiptHash: d2.hash }, /^notice points at seq 2, which is a declaration, not a receipt/],
    ['the wrong hash', { receiptHash: 'e'.repeat(64) }, /^notice names receipt hash e{64}, but seq 3 has hash/],
    ['a receipt of another declaration', { declarationSeq: d2.seq, declarationHash: d2.hash }, /^notice is about declaration seq 2, but receipt seq 3 answers seq 1/],
    ['no declaration', { declarationSeq: 3, declarationHash: r1.hash }, /^notice points at seq 3, which is a receipt, not a declaration/],
  ])('refuses a notice pointing at %s', (_what, overrides, reason) => {
    expect(verifyChain(asRead([d1, d2, r1, noticeOf(overrides)]))).toEqual({ ok: false, firstBreak: { seq: 4, reason: expect.stringMatching(reason) } });
  });
});

describe('verifyChain with the files the entries came from', () => {
  const entries = sampleLedger();
  /** What the CLI passes: each value with the file it was read from and that file's text. */
  function filesOf(values: readonly Record<string, unknown>[]): { file: string; text: string }[] {
    return values.map((value, i) => ({ file: `/audit/ledger/${fileNameFor({ seq: i + 1 })}`, text: canonicalJson(value) }));
  }

  test('accepts files named by seq holding canonical text', () => {
    const values = asRead(entries);
    expect(verifyChain(values, { sources: filesOf(values) }).ok).toBe(true);
  });

  test('names the file of the break', () => {
    const values = asRead(entries);
    values[1] = { ...values[1], attempts: 2 };
    expect(verifyChain(values, { sources: filesOf(values) })).toEqual({
      ok: false,
      firstBreak: { seq: 2, file: '/audit/ledger/000000000002.json', reason: expect.stringMatching(/^hash mismatch/) },
    });
  });

  test("refuses an entry under another seq's file name", () => {
    const values = asRead(entries);
    const renamed = filesOf(values).map((s, i) => (i === 2 ? { ...s, file: 'ledger/000000000003-declaration.json' } : s));
    expect(verifyChain(values, { sources: renamed })).toMatchObject({
      ok: false,
      firstBreak: { seq: 3, reason: expect.stringMatching(/^file name 000000000003-declaration.json does not match seq 3/) },
    });
  });

  test('refuses a file re-serialized with the same values', () => {
    const values = asRead(entries);
    const pretty = filesOf(values).map((s, i) => (i === 0 ? { ...s, text: JSON.stringify(values[0], null, 2) } : s));
    expect(verifyChain(values, { sources: pretty })).toMatchObject({
      ok: false,
      firstBreak: { seq: 1, reason: expect.stringMatching(/^not in canonical form/) },
    });
  });
});

describe('verifyChain with an anchor', () => {
  const entries = sampleLedger();

  test('accepts a chain that contains the anchor', () => {
    expect(verifyChain(asRead(entries), { anchor: headOf(entries[3] as LedgerEntry) }).ok).toBe(true);
  });

  test('finds entries cut off the end, which the chain alone cannot show', () => {
    const anchor = headOf(entries[5] as LedgerEntry);
    expect(verifyChain(asRead(entries.slice(0, 4)), { anchor })).toEqual({
      ok: false,
      firstBreak: { seq: 6, reason: 'truncated: the anchor says seq 6 exists, but the chain ends at seq 4' },
    });
  });

  test('finds a chain rebuilt from before the anchor', () => {
    const anchor = { seq: 2, hash: 'e'.repeat(64) };
    expect(verifyChain(asRead(entries), { anchor })).toMatchObject({ ok: false, firstBreak: { seq: 2, reason: expect.stringMatching(/^anchor mismatch/) } });
  });
});
