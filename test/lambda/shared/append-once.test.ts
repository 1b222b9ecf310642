import { nextEntry } from '../../../lambda/core/ledger';
import { appendOnce, LedgerContentionError, LedgerHeadLagError, type LedgerStore } from '../../../lambda/shared/ledger-store';

const receipt = {
  kind: 'receipt' as const,
  declarationSeq: 1,
  declarationHash: 'a'.repeat(64),
  method: 'cross-partition-push' as const,
  destination: { region: 'ap-southeast-1', bucket: 'landing', key: 'outbound/ap-southeast-1/x' },
  status: 'delivered' as const,
  attempts: 1,
  deliveredAt: '2026-06-01T00:00:00.000Z',
};

function storeThatThrows(err: Error): LedgerStore {
  return { append: async () => Promise.reject(err) } as unknown as LedgerStore;
}

describe('appendOnce', () => {
  test('a lagging head means the entry is written: it is returned, not appended again', async () => {
    const written = nextEntry({ seq: 1, hash: 'a'.repeat(64) }, receipt);
    const store = storeThatThrows(new LedgerHeadLagError(written, new Error('throttled')));
    await expect(appendOnce(store, receipt)).resolves.toBe(written);
  });

  test('any other failure propagates (nothing was written, the event is retried)', async () => {
    await expect(appendOnce(storeThatThrows(new LedgerContentionError(8, 3)), receipt)).rejects.toBeInstanceOf(LedgerContentionError);
  });
});
