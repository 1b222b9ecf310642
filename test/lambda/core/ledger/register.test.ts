import { headOf, nextEntry, summarizeLedger } from '../../../../lambda/core/ledger';
import { declarationBody, receiptBody, sampleLedger } from '../../../support/ledger-fixtures';

describe('summarizeLedger', () => {
  test('groups receipts under their declarations and lists what is not delivered', () => {
    const summary = summarizeLedger(sampleLedger());
    expect(summary).toMatchObject({ declarations: 3, receipts: 3, undelivered: [5] });
    expect(summary.transfers.map((t) => [t.declaration.seq, t.status, t.receipts.map((r) => r.seq)])).toEqual([
      [1, 'delivered', [2]],
      [3, 'delivered', [4, 6]],
      [5, 'pending', []],
    ]);
  });

  test('a declaration whose every receipt failed is failed, and undelivered', () => {
    const declaration = nextEntry(undefined, declarationBody(1));
    const failed = nextEntry(headOf(declaration), receiptBody(declaration, { status: 'failed', error: 'AccessDenied' }));
    const summary = summarizeLedger([declaration, failed]);
    expect(summary.transfers[0]?.status).toBe('failed');
    expect(summary.undelivered).toEqual([1]);
  });

  test('an empty ledger owes nothing', () => {
    expect(summarizeLedger([])).toEqual({ declarations: 0, receipts: 0, suppressions: 0, erasures: 0, undeliveredNotices: [], undelivered: [], transfers: [] });
  });
});
