import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { copySourceOf, OutputConflictError, s3TransferPorts } from '../../../lambda/gateway/s3-ports';
import type { HeadcountStore } from '../../../lambda/gateway/headcount-store';
import type { LedgerStore } from '../../../lambda/shared/ledger-store';
import { s3Body } from '../../support/s3-body';
import { releaseMetadata } from '../../../lambda/shared/released-output';

const s3 = mockClient(S3Client);
const BODY = '{"txn":{"tradeNo":"x"}}\n';
const SHA = createHash('sha256').update(BODY).digest('hex');
const DECLARATION = { seq: 12, hash: 'd'.repeat(64), sha256: SHA };
const KEY = 'outbound/ap-southeast-1/r/v1/version=v1/a.jsonl';
const STAGED = { key: 'staging/ap-southeast-1/r/v1/version=v1/a.jsonl', versionId: 'sv1', sha256: SHA, bytes: BODY.length };

function ports(ledger?: Partial<LedgerStore>) {
  return s3TransferPorts({ s3: new S3Client({}), ledger: ledger as LedgerStore, headcounts: {} as HeadcountStore, outboundBucket: 'outbound' });
}
const preconditionFailed = () => new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'PreconditionFailed' });
const release = () => ports().releaseOutput({ staged: STAGED, key: KEY, metadata: releaseMetadata('r@1', DECLARATION, SHA), declaration: DECLARATION });

beforeEach(() => s3.reset());

describe('s3TransferPorts', () => {
  test('stages a small output in one put with a SHA-256 S3 verifies, and reports the hash and size it wrote', async () => {
    s3.on(PutObjectCommand).resolves({ VersionId: 'sv1' });
    const sink = ports().openStaged(STAGED.key);
    await sink.write(BODY.slice(0, 5));
    await sink.write(BODY.slice(5));
    await expect(sink.complete()).resolves.toEqual(STAGED);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'outbound',
      Key: STAGED.key,
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: Buffer.from(SHA, 'hex').toString('base64'),
    });
  });

  test('reads the raw version as a stream, from a byte offset with a ranged GET, and learns the whole size', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body(BODY), ContentRange: `bytes 3-${BODY.length - 1}/${BODY.length + 3}`, ContentLength: BODY.length - 3 });
    const read = await ports().readObject({ bucket: 'raw', key: 'raw/a.jsonl', versionId: 'v9' }, 3);
    expect(read.size).toBe(BODY.length + 3);
    const chunks: Buffer[] = [];
    for await (const chunk of read.chunks) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe(BODY);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'raw', Key: 'raw/a.jsonl', VersionId: 'v9', Range: 'bytes=3-' });
  });

  test('declares once through the ledger and says whether it found an earlier declaration', async () => {
    const appendOnce = jest.fn().mockResolvedValue({ entry: { seq: 4 }, claimedNow: false });
    const found = await ports({ appendOnce } as Partial<LedgerStore>).declare({} as never);
    expect(found).toEqual({ entry: { seq: 4 }, resumed: true });
    expect(appendOnce.mock.calls[0][0]).toMatchObject({ kind: 'declaration', declaredAt: expect.stringMatching(/Z$/) });
  });

  test('releases write-once: a copy of the staged version, only if nothing is at the outbound key', async () => {
    s3.on(CopyObjectCommand).resolves({});
    await release();
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({ Key: KEY, IfNoneMatch: '*', CopySource: copySourceOf('outbound', STAGED.key, 'sv1') });
  });

  test('after a lost response, finds its own release there and succeeds without writing again', async () => {
    s3.on(CopyObjectCommand).rejects(preconditionFailed());
    s3.on(HeadObjectCommand).resolves({ Metadata: releaseMetadata('r@1', DECLARATION, SHA), ChecksumSHA256: Buffer.from(SHA, 'hex').toString('base64') });
    await expect(release()).resolves.toBeUndefined();
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'outbound', Key: KEY, ChecksumMode: 'ENABLED' });
  });

  test.each([
    ['another declaration', { Metadata: releaseMetadata('r@1', { seq: 11, hash: 'e'.repeat(64) }, SHA) }],
    ['other bytes', { Metadata: releaseMetadata('r@1', DECLARATION, SHA), ChecksumSHA256: Buffer.from('f'.repeat(64), 'hex').toString('base64') }],
    ['no declaration at all', { Metadata: {} }],
  ])('refuses an object of %s already at the outbound key', async (_what, found) => {
    s3.on(CopyObjectCommand).rejects(preconditionFailed());
    s3.on(HeadObjectCommand).resolves(found);
    await expect(release()).rejects.toThrow(OutputConflictError);
  });
});

describe('copySourceOf', () => {
  test('URL-encodes each key segment and the version, keeping the slashes', () => {
    expect(copySourceOf('b', 'staging/date=2026-06-01/a b%.jsonl', 'v+1')).toBe('b/staging/date%3D2026-06-01/a%20b%25.jsonl?versionId=v%2B1');
    expect(copySourceOf('b', 'k')).toBe('b/k');
  });
});
