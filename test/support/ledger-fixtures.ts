/** Realistic ledger bodies and chains for the ledger tests (core, store and CLI). */
import {
  headOf,
  nextEntry,
  type DeclarationBody,
  type DeclarationEntry,
  type LedgerBody,
  type LedgerEntry,
  type LedgerHead,
  type ReceiptBody,
} from '../../lambda/core/ledger';

/** A settlement batch from Shanghai to a Singapore acquirer; `batch` varies the keys and counts. */
export function declarationBody(batch = 1, overrides: Partial<DeclarationBody> = {}): DeclarationBody {
  return {
    kind: 'declaration',
    declaredAt: `2026-03-31T08:${String(batch % 60).padStart(2, '0')}:00.000Z`,
    rule: { id: 'sg-settlement', version: '3', purpose: 'payment_settlement', legalBasis: 'cac_contract_necessity' },
    destination: { region: 'ap-southeast-1', country: 'SG', recipient: 'Lion City Acquiring Pte. Ltd.' },
    source: { bucket: 'home-raw-c2', key: `raw/2026-03-31/alipay/batch-${batch}.jsonl`, versionId: `v${batch}` },
    output: {
      bucket: 'home-outbound',
      key: `outbound/ap-southeast-1/sg-settlement/v3/2026-03-31/alipay/batch-${batch}.v${batch}.jsonl`,
      sha256: `${batch.toString(16).padStart(2, '0')}${'ab'.repeat(31)}`,
      bytes: 48_213 + batch,
      records: 1_000 - batch,
    },
    counts: { in: 1_000, out: 1_000 - batch, quarantined: batch },
    categories: { bank_card: 1_000 - batch, cn_mobile: 640, cn_resident_id: 998 },
    safetyNetRedactions: 0,
    idempotencyKey: `home-raw-c2/raw/2026-03-31/alipay/batch-${batch}.jsonl@v${batch}#sg-settlement@3`,
    ...overrides,
  };
}

/** A delivered S3-replication receipt answering `declaration`. */
export function receiptBody(declaration: DeclarationEntry, overrides: Partial<ReceiptBody> = {}): ReceiptBody {
  return {
    kind: 'receipt',
    declarationSeq: declaration.seq,
    declarationHash: declaration.hash,
    method: 's3-replication',
    destination: { region: declaration.destination.region, bucket: 'dest-sg-inbound', key: declaration.output.key, etag: '"9b2cf535f27731c974343645a3985328"' },
    status: 'delivered',
    attempts: 1,
    deliveredAt: '2026-03-31T09:00:00.000Z',
    notification: `s3:Replication:OperationCompletedReplication@2026-03-31T09:00:00.000Z`,
    ...overrides,
  };
}

/** Appends bodies one after another, as the store would, and returns the entries. */
export function chainOf(bodies: readonly LedgerBody[], head?: LedgerHead): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  let current = head;
  for (const body of bodies) {
    const entry = nextEntry(current, body);
    entries.push(entry);
    current = headOf(entry);
  }
  return entries;
}

/**
 * Three batches: 1 declared and delivered, 2 declared with one failed push attempt (retrying) then a
 * delivered receipt, 3 declared and still pending. Seqs: 1 D1, 2 R(1), 3 D2, 4 R(3) retrying, 5 D3,
 * 6 R(3) delivered.
 */
export function sampleLedger(): LedgerEntry[] {
  const d1 = nextEntry(undefined, declarationBody(1));
  const r1 = nextEntry(headOf(d1), receiptBody(d1));
  const d2 = nextEntry(headOf(r1), declarationBody(2));
  const push = { method: 'cross-partition-push' } as const;
  const r2retrying = nextEntry(
    headOf(d2),
    receiptBody(d2, { ...push, status: 'retrying', attempts: 3, error: 'TLS handshake timed out', notification: 'push attempt 1 of event 7d3e' }),
  );
  const d3 = nextEntry(headOf(r2retrying), declarationBody(3));
  const r2delivered = nextEntry(headOf(d3), receiptBody(d2, { ...push, attempts: 4, notification: 'push of event 7d3e' }));
  return [d1, r1, d2, r2retrying, d3, r2delivered];
}
