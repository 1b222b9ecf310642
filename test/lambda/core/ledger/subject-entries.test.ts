import { nextEntry, summarizeLedger, verifyChain, type DeclarationEntry, type LedgerBody } from '../../../../lambda/core/ledger';
import { noticesFor, recipientsOf, suppressionBody } from '../../../../lambda/core/subject-notices';
import { tokenize } from '../../../../lambda/core/tokens';
import { chainOf, declarationBody, receiptBody } from '../../../support/ledger-fixtures';
import { KEY } from '../support';

const TOKEN = tokenize(KEY, 'cn_mobile', '13800138000');
const change = { change: 'added' as const, entry: { token: TOKEN, reason: 'opt-out-sale-sharing' as const, since: '2026-06-01' } };

function ledgerWithNotice() {
  const declarations = chainOf([declarationBody(1), declarationBody(2, { destination: { region: 'us-east-1', country: 'US', recipient: 'Example Card Processing Inc.' } })]);
  const recipients = recipientsOf(declarations as DeclarationEntry[]);
  const notices = noticesFor(change, recipients, { listVersion: 4, outboundPrefix: 'outbound/', declaredAt: '2026-06-01T10:00:00.000Z' });
  const suppression = nextEntry({ seq: 2, hash: declarations[1].hash }, suppressionBody(change, recipients, notices, { listVersion: 4, declaredAt: '2026-06-01T10:00:00.000Z', outboundBucket: 'home-outbound' }));
  return { declarations, recipients, notices, suppression };
}

describe('suppression and erasure entries in the ledger', () => {
  test('recipients come from the declarations: all of them, or those whose source held the subject', () => {
    const { declarations, recipients } = ledgerWithNotice();
    expect(recipients.map((r) => r.recipient)).toEqual(['Lion City Acquiring Pte. Ltd.', 'Example Card Processing Inc.']);
    const only = recipientsOf(declarations as DeclarationEntry[], new Set(['home-raw-c2/raw/2026-03-31/alipay/batch-2.jsonl']));
    expect(only).toEqual([{ region: 'us-east-1', country: 'US', recipient: 'Example Card Processing Inc.' }]);
  });

  test('a notice per region, receipted like a batch: the chain verifies and the summary shows what is owed', () => {
    const { declarations, notices, suppression } = ledgerWithNotice();
    expect(notices.map((n) => n.key)).toEqual([
      expect.stringMatching(/^outbound\/ap-southeast-1\/subject-notices\/v4-[0-9a-f]{12}-added\.json$/),
      expect.stringMatching(/^outbound\/us-east-1\/subject-notices\/v4-/),
    ]);
    expect(JSON.parse(notices[0].body)).toMatchObject({ token: TOKEN, change: 'added', recipients: ['Lion City Acquiring Pte. Ltd.'] });
    const receipt: LedgerBody = {
      kind: 'receipt',
      declarationSeq: suppression.seq,
      declarationHash: suppression.hash,
      method: 's3-replication',
      destination: { region: 'ap-southeast-1', bucket: 'landing', key: notices[0].key },
      status: 'delivered',
      attempts: 1,
      deliveredAt: '2026-06-01T10:01:00.000Z',
    };
    const erasure: LedgerBody = {
      kind: 'erasure',
      erasedAt: '2026-06-02T00:00:00.000Z',
      token: TOKEN,
      planSha256: 'c'.repeat(64),
      stores: [{ bucket: 'home-raw-c2', objectsRewritten: 2, objectsDeleted: 0, versionsDeleted: 5, recordsRemoved: 3 }],
    };
    const rest = chainOf([receipt, erasure], { seq: suppression.seq, hash: suppression.hash });
    const all = [...declarations, suppression, ...rest];
    const verdict = verifyChain(JSON.parse(JSON.stringify(all)));
    expect(verdict.ok).toBe(true);
    const summary = summarizeLedger(all);
    expect(summary).toMatchObject({ declarations: 2, receipts: 1, suppressions: 1, erasures: 1, undeliveredNotices: [3] });
  });

  test('a receipt for a key the suppression sent no notice as breaks the chain', () => {
    const { declarations, suppression } = ledgerWithNotice();
    const forged = chainOf([receiptBody(declarations[0] as DeclarationEntry, { declarationSeq: suppression.seq, declarationHash: suppression.hash })], {
      seq: suppression.seq,
      hash: suppression.hash,
    });
    const verdict = verifyChain([...declarations, suppression, ...forged]);
    expect(verdict).toMatchObject({ ok: false, firstBreak: { seq: 4, reason: expect.stringContaining('sent no notice') } });
  });

  test('a suppression entry holds a token, never an identifier: a raw value is refused', () => {
    const { recipients } = ledgerWithNotice();
    const bad = { ...change, entry: { ...change.entry, token: '13800138000' } };
    expect(() => nextEntry(undefined, suppressionBody(bad, recipients, [], { listVersion: 1, declaredAt: '2026-06-01T10:00:00.000Z', outboundBucket: 'b' }))).toThrow(
      /token: must be a subject token/,
    );
  });
});
