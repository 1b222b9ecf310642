import fc from 'fast-check';
import {
  claimIdentityOf,
  declarationDifferences,
  declarationIdentity,
  finalReceiptIdentity,
  nextEntry,
  type NoticeBody,
} from '../../../../lambda/core/ledger';
import { declarationBody, receiptBody } from '../../../support/ledger-fixtures';

const declaration = nextEntry(undefined, declarationBody(1));

describe('declarationIdentity', () => {
  test('is the source version and the rule version', () => {
    expect(declarationIdentity({ bucket: 'raw', key: 'raw/a.jsonl', versionId: 'v7' }, { id: 'sg-settlement', version: 3 })).toBe('raw/raw/a.jsonl@v7#sg-settlement@3');
  });

  test('names an unversioned object by S3\'s "null" version', () => {
    expect(declarationIdentity({ bucket: 'raw', key: 'raw/a.jsonl' }, { id: 'r', version: '1' })).toBe('raw/raw/a.jsonl@null#r@1');
  });

  test('is the same for a rule version given as number or text (the gateway has a number, the ledger a string)', () => {
    const source = { bucket: 'raw', key: 'raw/a.jsonl', versionId: 'v1' };
    expect(declarationIdentity(source, { id: 'r', version: 2 })).toBe(declarationIdentity(source, { id: 'r', version: '2' }));
  });

  test('differs for any two versions of one key, and for any two rule versions', () => {
    const version = fc.stringMatching(/^[A-Za-z0-9._]{1,32}$/);
    fc.assert(
      fc.property(version, version, fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 99 }), (v1, v2, r1, r2) => {
        fc.pre(v1 !== v2 || r1 !== r2);
        const source = (versionId: string) => ({ bucket: 'raw', key: 'raw/a.jsonl', versionId });
        expect(declarationIdentity(source(v1), { id: 'r', version: r1 })).not.toBe(declarationIdentity(source(v2), { id: 'r', version: r2 }));
      }),
    );
  });
});

describe('claimIdentityOf', () => {
  test('a declaration is claimed by its transfer, whatever time a retry declares it at', () => {
    expect(claimIdentityOf(declarationBody(1))).toBe(claimIdentityOf(declarationBody(1, { declaredAt: '2026-12-31T23:59:59.000Z' })));
    expect(claimIdentityOf(declarationBody(1))).not.toBe(claimIdentityOf(declarationBody(2)));
  });

  test('delivered and failed are one final state per delivery: the second to claim it finds the first', () => {
    const delivered = receiptBody(declaration);
    const failed = receiptBody(declaration, { status: 'failed', error: 'AccessDenied', notification: 'another event' });
    expect(claimIdentityOf(delivered)).toBe(claimIdentityOf(failed));
    expect(claimIdentityOf(delivered)).toBe(finalReceiptIdentity(delivered));
  });

  test('each interim (retrying) state is claimed once per notification', () => {
    const retrying = (notification: string) => receiptBody(declaration, { status: 'retrying', error: 'timeout', notification });
    expect(claimIdentityOf(retrying('attempt 1'))).toBe(claimIdentityOf(retrying('attempt 1')));
    expect(claimIdentityOf(retrying('attempt 1'))).not.toBe(claimIdentityOf(retrying('attempt 2')));
    expect(claimIdentityOf(retrying('attempt 1'))).not.toBe(claimIdentityOf(receiptBody(declaration)));
  });

  test('a notice is claimed once per notification', () => {
    const notice = (notification: string): NoticeBody => ({
      kind: 'notice',
      declarationSeq: 1,
      declarationHash: declaration.hash,
      receiptSeq: 2,
      receiptHash: 'b'.repeat(64),
      method: 's3-replication',
      destination: { region: 'ap-southeast-1', bucket: 'dest', key: declaration.output.key },
      reported: 'failed',
      disposition: 'late',
      notification,
      noticedAt: '2026-03-31T10:00:00.000Z',
    });
    expect(claimIdentityOf(notice('a'))).not.toBe(claimIdentityOf(notice('b')));
    expect(claimIdentityOf(notice('a'))).toBe(claimIdentityOf({ ...notice('a'), noticedAt: '2026-04-01T00:00:00.000Z' }));
  });
});

describe('declarationDifferences', () => {
  test('ignores when it was declared and the chain fields: a retry of the same transfer continues', () => {
    expect(declarationDifferences(declaration, declarationBody(1, { declaredAt: '2027-01-01T00:00:00.000Z' }))).toEqual([]);
  });

  test('names each field that differs', () => {
    const other = declarationBody(1, { counts: { in: 1, out: 1, quarantined: 0 }, output: { ...declarationBody(1).output, sha256: 'f'.repeat(64) } });
    expect(declarationDifferences(declaration, other)).toEqual(['counts', 'output']);
  });
});
