/**
 * The gateway's ports over S3, the ledger and the headcount table. Raw objects are read as streams
 * and outputs written as multipart uploads (multipart-output.ts). Every write here is either a
 * harmless rewrite (quarantine record, staged output) or conditional and checked on conflict
 * (the ledger's claim, the release with `If-None-Match`), so a retry after any failure, including a
 * lost response to a write that happened, converges on the same objects.
 */
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import { COPY_OBJECT_MAX_BYTES, COPY_PART_BYTES, multipartCopy, MultipartOutput } from '../shared/multipart-output';
import type { SplitExecutionInput } from '../shared/split-events';
import type { LedgerStore } from '../shared/ledger-store';
import { isDeclaredOutput } from '../shared/released-output';
import type { HeadcountStore } from './headcount-store';
import type { SplitPorts } from './split-object';
import type { SplitJob } from './transfer-object';

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
  /**
   * The split state machine objects too large for one invocation are handed to.
   * @default none: nothing is split
   */
  readonly split?: { readonly sfn: SFNClient; readonly stateMachineArn: string };
  /**
   * Largest staged output released by one CopyObject; a larger one is copied in parts.
   * @default COPY_OBJECT_MAX_BYTES (S3's 5 GiB limit; lower it only to exercise the multipart copy)
   */
  readonly copyObjectMaxBytes?: number;
}

/**
 * The execution name of a split: one per object version and rule versions, so a second hand-over
 * (the live event and the backfill, or a retry) finds the first execution instead of starting another.
 */
export function splitExecutionName(job: SplitJob): string {
  return createHash('sha256').update(`${job.source.bucket}/${job.source.key}@${job.source.versionId}#${job.rules}`).digest('hex');
}

function isMissing(err: unknown): boolean {
  return err instanceof NoSuchKey || (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404));
}

export function s3TransferPorts(props: S3TransferPortsProps): SplitPorts {
  const { s3, ledger, headcounts, outboundBucket, split } = props;
  const copyObjectMaxBytes = props.copyObjectMaxBytes ?? COPY_OBJECT_MAX_BYTES;
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
        if (staged.bytes > copyObjectMaxBytes) {
          // CopyObject stops at 5 GiB: the same write-once copy, in UploadPartCopy ranges.
          await multipartCopy(s3, {
            copySource: copySourceOf(outboundBucket, staged.key, staged.versionId),
            bytes: staged.bytes,
            bucket: outboundBucket,
            key,
            contentType: NDJSON,
            metadata,
            partBytes: Math.min(COPY_PART_BYTES, copyObjectMaxBytes),
          });
          return;
        }
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
    ...(split === undefined
      ? {}
      : {
          async startSplit(job: SplitJob) {
            const name = splitExecutionName(job);
            const input: SplitExecutionInput = {
              source: job.source,
              plan: { objectBytes: job.plan.objectBytes, digest: job.plan.digest, ranges: job.plan.ranges },
              rules: job.rules,
              at: job.at,
            };
            try {
              const started = await split.sfn.send(new StartExecutionCommand({ stateMachineArn: split.stateMachineArn, name, input: JSON.stringify(input) }));
              return { execution: started.executionArn ?? name, alreadyStarted: false };
            } catch (err) {
              // The same version was handed over before (another path, a retry): that execution is its split.
              if (err instanceof ExecutionAlreadyExists || (err as { name?: string }).name === 'ExecutionAlreadyExists') return { execution: name, alreadyStarted: true };
              throw err;
            }
          },
        }),
    async readStored({ bucket, key, versionId }) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId === undefined ? {} : { VersionId: versionId }) }));
      if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return object.Body as AsyncIterable<Uint8Array>;
    },
    async writeSummary(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: outboundBucket, Key: key, Body: body, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
    },
    async readSummary(key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: outboundBucket, Key: key }));
        return object.Body === undefined ? undefined : await object.Body.transformToString('utf8');
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    openAssembly: (key) => new MultipartOutput(s3, { bucket: outboundBucket, key, contentType: NDJSON }),
    async refuseObject({ bucket, key, body }) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
    },
  };
}
