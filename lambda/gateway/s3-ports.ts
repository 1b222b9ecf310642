/**
 * The gateway's ports over S3, the ledger and the headcount table. Raw objects are read as streams
 * and outputs written as multipart uploads (multipart-output.ts). Every write here is either a
 * harmless rewrite (quarantine record, staged output) or conditional and checked on conflict
 * (the ledger's claim, the release with `If-None-Match`), so a retry after any failure, including a
 * lost response to a write that happened, converges on the same objects.
 */
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { MultipartOutput } from '../shared/multipart-output';
import type { LedgerStore } from '../shared/ledger-store';
import { isDeclaredOutput } from '../shared/released-output';
import type { HeadcountStore } from './headcount-store';
import type { TransferPorts } from './transfer-object';

const NDJSON = 'application/x-ndjson';

/** An object already sits under an output key and it is not this declaration's output. */
export class OutputConflictError extends Error {
  constructor(bucket: string, key: string, seq: number) {
    super(
      `s3://${bucket}/${key} exists but is not the output of declaration seq ${seq} (other declaration metadata or other content): ` +
        'refusing to overwrite or to receipt it; run "residency ledger verify" with --outputs',
    );
    this.name = 'OutputConflictError';
  }
}

/** A key as the `x-amz-copy-source` header wants it: each path segment URL-encoded. */
export function copySourceOf(bucket: string, key: string, versionId?: string): string {
  const path = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return versionId === undefined ? path : `${path}?versionId=${encodeURIComponent(versionId)}`;
}

/** The whole object's size: a ranged GET says it after the slash of Content-Range. */
function objectSize(object: { ContentRange?: string; ContentLength?: number }): number {
  const total = object.ContentRange === undefined ? undefined : /\/(\d+)$/.exec(object.ContentRange)?.[1];
  const size = total === undefined ? object.ContentLength : Number(total);
  if (size === undefined || !Number.isSafeInteger(size)) throw new Error('GetObject answered without the object size');
  return size;
}

function isPreconditionFailed(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.name === 'PreconditionFailed' || err.$metadata?.httpStatusCode === 412);
}

export interface S3TransferPortsProps {
  readonly s3: S3Client;
  readonly ledger: LedgerStore;
  readonly headcounts: HeadcountStore;
  readonly outboundBucket: string;
}

export function s3TransferPorts(props: S3TransferPortsProps): TransferPorts {
  const { s3, ledger, headcounts, outboundBucket } = props;
  return {
    async readObject(source, from) {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId, ...(from === undefined || from === 0 ? {} : { Range: `bytes=${from}-` }) }),
      );
      if (!object.Body) throw new Error(`s3://${source.bucket}/${source.key} version ${source.versionId} has no body`);
      return { size: objectSize(object), chunks: object.Body as AsyncIterable<Uint8Array> };
    },
    openQuarantine: ({ bucket, key, rule }) => new MultipartOutput(s3, { bucket, key, contentType: 'application/json', metadata: { rule } }),
    openStaged: (key) => new MultipartOutput(s3, { bucket: outboundBucket, key, contentType: NDJSON }),
    async declare(body) {
      const { entry, claimedNow } = await ledger.appendOnce({ kind: 'declaration', declaredAt: new Date().toISOString(), ...body });
      return { entry, resumed: !claimedNow };
    },
    async releaseOutput({ staged, key, metadata, declaration }) {
      try {
        await s3.send(
          new CopyObjectCommand({
            Bucket: outboundBucket,
            Key: key,
            CopySource: copySourceOf(outboundBucket, staged.key, staged.versionId),
            IfNoneMatch: '*',
            MetadataDirective: 'REPLACE',
            Metadata: metadata,
            ContentType: NDJSON,
            ChecksumAlgorithm: 'SHA256',
          }),
        );
        return;
      } catch (err) {
        if (!isPreconditionFailed(err)) throw err;
      }
      // Something is there already: an earlier try's release (whose response was lost), or a conflict.
      const found = await s3.send(new HeadObjectCommand({ Bucket: outboundBucket, Key: key, ChecksumMode: 'ENABLED' }));
      if (!isDeclaredOutput(found, declaration)) throw new OutputConflictError(outboundBucket, key, declaration.seq);
    },
    countSubjects: (batch) => headcounts.record(batch),
    async refuseObject({ bucket, key, body }) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
    },
  };
}
