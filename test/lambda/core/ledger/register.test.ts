import { headOf, nextEntry, summarizeLedger, type DeclarationEntry } from '../../../../lambda/core/ledger';
import { declarationBody, receiptBody, sampleLedger } from '../../../support/ledger-fixtures';

describe('summarizeLedger', () => {
  test('groups receipts under their declarations and lists what is not delivered', () => {
    const summary = summarizeLedger(sampleLedger());
    expect(summary).toMatchObject({ declarations: 3, receipts: 3, notices: 0, undelivered: [5] });
    expect(summary.transfers.map((t) => [t.declaration.seq, t.status, t.receipts.map((r) => r.seq), t.final?.seq])).toEqual([
      [1, 'delivered', [2], 2],
      [3, 'delivered', [4, 6], 6],
      [5, 'pending', [], undefined],
    ]);
  });

  test('a declaration whose delivery was given up is failed, and undelivered', () => {
    const declaration = nextEntry(undefined, declarationBody(1));
    const failed = nextEntry(headOf(declaration), receiptBody(declaration, { status: 'failed', error: 'AccessDenied' }));
    const summary = summarizeLedger([declaration, failed]);
    expect(summary.transfers[0]?.status).toBe('failed');
    expect(summary.undelivered).toEqual([1]);
  });

  test('only interim receipts: retrying, and undelivered', () => {
    const declaration = nextEntry(undefined, declarationBody(1));
    const retrying = nextEntry(headOf(declaration), receiptBody(declaration, { status: 'retrying', error: 'timeout', notification: 'attempt 1' }));
    expect(summarizeLedger([declaration, retrying])).toMatchObject({ undelivered: [1], transfers: [{ status: 'retrying' }] });
  });

  test('the first final receipt decides, and a notice after it changes nothing', () => {
    const declaration = nextEntry(undefined, declarationBody(1)) as DeclarationEntry;
    const delivered = nextEntry(headOf(declaration), receiptBody(declaration));
    const late = nextEntry(headOf(delivered), {
      kind: 'notice',
      declarationSeq: 1,
      declarationHash: declaration.hash,
      receiptSeq: delivered.seq,
      receiptHash: delivered.hash,
      method: 's3-replication',
      destination: { region: 'ap-southeast-1', bucket: 'dest-sg-inbound', key: declaration.output.key },
      reported: 'failed',
      disposition: 'late',
      notification: 'late failure',
      noticedAt: '2026-03-31T10:00:00.000Z',
    });
    const summary = summarizeLedger([declaration, delivered, late]);
    expect(summary).toMatchObject({ declarations: 1, receipts: 1, notices: 1, undelivered: [] });
    expect(summary.transfers[0]).toMatchObject({ status: 'delivered', final: { seq: 2 }, notices: [{ seq: 3 }] });
  });

  test('an empty ledger owes nothing', () => {
    expect(summarizeLedger([])).toEqual({ declarations: 0, receipts: 0, notices: 0, suppressions: 0, erasures: 0, undeliveredNotices: [], undelivered: [], transfers: [] });
  });
});
