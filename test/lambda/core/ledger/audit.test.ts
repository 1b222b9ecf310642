import {
  auditLedger,
  headOf,
  nextEntry,
  type DeclarationEntry,
  type LedgerBody,
  type LedgerEntry,
  type NoticeBody,
  type ReceiptEntry,
  type StoredObject,
} from '../../../../lambda/core/ledger';
import { chainOf, declarationBody, receiptBody, sampleLedger } from '../../../support/ledger-fixtures';

/** Appends bodies built from the entries so far (receipts need their declaration's seq and hash). */
function ledger(...steps: ((entries: LedgerEntry[]) => LedgerBody)[]): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const step of steps) {
    const last = entries[entries.length - 1];
    entries.push(nextEntry(last === undefined ? undefined : headOf(last), step(entries)));
  }
  return entries;
}

const declared = (batch: number, overrides: Partial<DeclarationEntry> = {}) => () => declarationBody(batch, overrides);
const receipt = (declarationIndex: number, overrides: Partial<ReceiptEntry> = {}) => (entries: LedgerEntry[]) =>
  receiptBody(entries[declarationIndex] as DeclarationEntry, overrides);
const notice = (declarationIndex: number, receiptIndex: number, overrides: Partial<NoticeBody> = {}) => (entries: LedgerEntry[]): NoticeBody => {
  const d = entries[declarationIndex] as DeclarationEntry;
  const r = entries[receiptIndex] as ReceiptEntry;
  return {
    kind: 'notice',
    declarationSeq: d.seq,
    declarationHash: d.hash,
    receiptSeq: r.seq,
    receiptHash: r.hash,
    method: r.method,
    destination: { region: r.destination.region, bucket: r.destination.bucket, key: r.destination.key },
    reported: 'failed',
    disposition: 'late',
    notification: 's3:Replication:OperationFailedReplication@2026-03-31T09:05:00.000Z',
    noticedAt: '2026-03-31T09:05:01.000Z',
    ...overrides,
  };
};

const listingOf = (entries: readonly LedgerEntry[]): StoredObject[] =>
  entries.flatMap((e) => (e.kind === 'declaration' ? [{ key: e.output.key, bytes: e.output.bytes, sha256: e.output.sha256 }] : []));

describe('auditLedger on a truthful ledger', () => {
  test('finds nothing, with or without the listing of outbound/', () => {
    const entries = sampleLedger();
    expect(auditLedger(entries)).toEqual([]);
    expect(auditLedger(entries, { outputs: { prefix: 'outbound/', objects: listingOf(entries) } })).toEqual([]);
  });

  test('a late notification recorded as a notice of the final state is not a violation', () => {
    expect(auditLedger(ledger(declared(1), receipt(0), notice(0, 1)))).toEqual([]);
  });

  test('pending deliveries are allowed until the ledger is declared settled', () => {
    const entries = sampleLedger();
    expect(auditLedger(entries, { settled: true })).toEqual([
      { seq: 5, identity: declarationBody(3).idempotencyKey, problem: 'no receipt: the declared output was never delivered nor given up' },
    ]);
  });
});

describe('auditLedger names each violation with its seq and identity', () => {
  const key1 = declarationBody(1).idempotencyKey;
  test.each<[string, LedgerEntry[], { seq?: number; identity: string; problem: RegExp }[]]>([
    [
      'a transfer declared twice (a retry that declared again)',
      ledger(declared(1), declared(1, { declaredAt: '2026-03-31T08:05:00.000Z' })),
      [
        { seq: 2, identity: key1, problem: /^second declaration of this transfer \(first: seq 1\)$/ },
        { seq: 2, identity: key1, problem: /^declares output home-outbound\/outbound\/.*batch-1\.v1\.jsonl, already declared by seq 1$/ },
      ],
    ],
    [
      'two transfers declaring one output key (two versions written over one another)',
      ledger(declared(1), declared(2, { output: declarationBody(1).output })),
      [{ seq: 2, identity: declarationBody(2).idempotencyKey, problem: /already declared by seq 1$/ }],
    ],
    [
      'an idempotency key that is not the transfer\'s identity',
      ledger(declared(1, { idempotencyKey: 'home-raw-c2/raw/2026-03-31/alipay/batch-1.jsonl#sg-settlement:3' })),
      [{ seq: 1, identity: key1, problem: /^idempotencyKey ".*" is not the identity of its source and rule$/ }],
    ],
    [
      'a receipt for an output the declaration does not name',
      ledger(declared(1), (entries) => receiptBody(entries[0] as DeclarationEntry, { destination: { region: 'ap-southeast-1', bucket: 'dest', key: 'outbound/elsewhere.jsonl' } })),
      [{ seq: 2, identity: '1/s3-replication/ap-southeast-1', problem: /^receipt for an undeclared output: it names outbound\/elsewhere\.jsonl, declaration seq 1 declares outbound\// }],
    ],
    [
      'a final state overridden (a late "failed" recorded as a state after "delivered")',
      ledger(declared(1), receipt(0), receipt(0, { status: 'failed', error: 'S3 replication reported OperationFailedReplication', notification: 'late' })),
      [{ seq: 3, identity: '1/s3-replication/ap-southeast-1', problem: /^final state overridden: failed after the final delivered of seq 2$/ }],
    ],
    [
      'delivered twice (a retried batch receipted again)',
      ledger(declared(1), receipt(0), receipt(0, { notification: 'the same, redelivered' })),
      [{ seq: 3, identity: '1/s3-replication/ap-southeast-1', problem: /^final state overridden: delivered after the final delivered of seq 2$/ }],
    ],
    [
      'an interim state after the final one',
      ledger(declared(1), receipt(0), receipt(0, { status: 'retrying', error: 'timeout', notification: 'attempt 2' })),
      [{ seq: 3, identity: '1/s3-replication/ap-southeast-1', problem: /^final state overridden: retrying after the final delivered/ }],
    ],
    [
      'a delivery whose last state is not final',
      ledger(declared(1), receipt(0, { status: 'retrying', error: 'timeout', notification: 'attempt 1' })),
      [{ seq: 2, identity: '1/s3-replication/ap-southeast-1', problem: /^last state is retrying, not final/ }],
    ],
    [
      'one notification recorded twice as retrying',
      ledger(declared(1), receipt(0, { status: 'retrying', error: 'timeout', notification: 'attempt 1' }), receipt(0, { status: 'retrying', error: 'timeout', notification: 'attempt 1' }), receipt(0)),
      [{ seq: 3, identity: expect.stringMatching(/^interim-receipt 1\/s3-replication/) as unknown as string, problem: /^recorded twice: the same notification was already recorded at seq 2$/ }],
    ],
    [
      'a notice that names no final state',
      ledger(declared(1), receipt(0, { status: 'retrying', error: 'timeout', notification: 'attempt 1' }), notice(0, 1), receipt(0)),
      [{ seq: 3, identity: '1/s3-replication/ap-southeast-1', problem: /^notice names receipt seq 2 as the final state, but the delivery has no final state yet$/ }],
    ],
    [
      'a notice that calls a contradiction a duplicate',
      ledger(declared(1), receipt(0), notice(0, 1, { disposition: 'duplicate' })),
      [{ seq: 3, identity: '1/s3-replication/ap-southeast-1', problem: /^notice reports failed against the final delivered but calls itself duplicate \(expected late\)$/ }],
    ],
  ])('%s', (_what, entries, expected) => {
    const found = auditLedger(entries);
    expect(found).toHaveLength(expected.length);
    expected.forEach((violation, i) => {
      expect(found[i]).toMatchObject({ ...violation, problem: expect.stringMatching(violation.problem) });
    });
  });
});

describe('auditLedger against the objects under outbound/', () => {
  const entries = chainOf([declarationBody(1), declarationBody(2)]);
  const listing = listingOf(entries);
  const [d1, d2] = entries as [DeclarationEntry, DeclarationEntry];

  test.each<[string, StoredObject[], { seq?: number; identity: string; problem: string }[]]>([
    ['a declared output that is missing', [listing[0]!], [{ seq: 2, identity: d2.idempotencyKey, problem: `declared output ${d2.output.key} is missing` }]],
    [
      'an output of another size',
      [{ ...listing[0]!, bytes: 1 }, listing[1]!],
      [{ seq: 1, identity: d1.idempotencyKey, problem: `output ${d1.output.key} has 1 bytes, the declaration says ${d1.output.bytes}` }],
    ],
    [
      'an output with other content',
      [{ ...listing[0]!, sha256: 'e'.repeat(64) }, listing[1]!],
      [{ seq: 1, identity: d1.idempotencyKey, problem: `output ${d1.output.key} has SHA-256 ${'e'.repeat(64)}, the declaration says ${d1.output.sha256}` }],
    ],
    [
      'an object no declaration names',
      [...listing, { key: 'outbound/ap-southeast-1/x.jsonl' }],
      [{ identity: 'outbound/ap-southeast-1/x.jsonl', problem: 'undeclared output: no declaration names outbound/ap-southeast-1/x.jsonl' }],
    ],
  ])('%s', (_what, objects, expected) => {
    expect(auditLedger(entries, { outputs: { prefix: 'outbound/', objects } })).toEqual(expected);
  });

  test('a listing without sizes or digests (an inventory) still shows what is missing', () => {
    expect(auditLedger(entries, { outputs: { prefix: 'outbound/', objects: [{ key: d1.output.key }] } })).toEqual([
      { seq: 2, identity: d2.idempotencyKey, problem: `declared output ${d2.output.key} is missing` },
    ]);
  });
});
