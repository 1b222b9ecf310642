/**
 * The cross-partition push (China ↔ abroad, where S3 replication cannot reach) of one released
 * output, and its receipt. The remote put is write-once (`If-None-Match: *`), so whether the object
 * landed is a fact S3 can be asked about: after a lost response, a retry finds it there (412 or a
 * HEAD) and receipts `delivered`, never a second copy. The receipt is written after the push; if
 * receipting fails the invocation fails and is retried, and the retry finds the object landed: a
 * receipting failure never becomes a `failed` receipt. `failed` (final) is written only when S3
 * confirmed the object is absent and the attempts are used up; before that, `retrying`.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { deliveryIdentity, type DeclarationEntry, type ReceiptStatus } from '../core/ledger';
import type { LedgerStore } from '../shared/ledger-store';
import { isDeclaredOutput } from '../shared/released-output';
import type { AttemptCounter } from './attempts';
import type { BoundDestination } from './destinations';
import { declarationFor, finalReceiptOf, recordDelivery, type Recorded } from './receipts';

export interface PushDeps {
  /** The home partition's S3 (the outbound bucket). */
  readonly s3: S3Client;
  /** An S3 client of the destination's partition. */
  readonly remote: (destination: BoundDestination) => Promise<S3Client>;
  readonly ledger: LedgerStore;
  readonly attempts: AttemptCounter;
  /** Attempts (invocations) before a push that keeps failing is recorded as failed. */
  readonly maxAttempts: number;
}

/** One outbound object version to push, and the event that asked for it. */
export interface PushJob {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Stable across retries of the event (the EventBridge event id). */
  readonly notification: string;
}

export type PushOutcome = { readonly status: 'already_final'; readonly seq: number } | { readonly status: ReceiptStatus; readonly recorded: Recorded['kind']; readonly seq: number };

/** The attempt failed and is recorded as `retrying`: thrown so that Lambda retries the event. */
export class PushRetryError extends Error {
  constructor(key: string, attempt: number, cause: unknown) {
    super(`push of ${key} failed (attempt ${attempt}); recorded as retrying: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PushRetryError';
  }
}

function isS3Status(err: unknown, name: string, status: number): boolean {
  return err instanceof S3ServiceException && (err.name === name || err.$metadata?.httpStatusCode === status);
}

type Landed =
  | { readonly state: 'landed'; readonly etag?: string; readonly versionId?: string; readonly attempts: number }
  | { readonly state: 'other-content' }
  | { readonly state: 'absent'; readonly error: unknown };

/** Asks the destination whether our object is there (after a conflict or an error of unknown effect). */
async function landedState(remote: S3Client, destination: BoundDestination, key: string, declaration: DeclarationEntry, error: unknown): Promise<Landed> {
  try {
    const found = await remote.send(new HeadObjectCommand({ Bucket: destination.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    return isDeclaredOutput(found, { seq: declaration.seq, hash: declaration.hash, sha256: declaration.output.sha256 })
      ? { state: 'landed', etag: found.ETag, versionId: found.VersionId, attempts: 1 }
      : { state: 'other-content' };
  } catch (err) {
    if (isS3Status(err, 'NotFound', 404)) return { state: 'absent', error };
    throw error; // Cannot tell whether it landed: no receipt; the retry asks again.
  }
}

async function putOnce(remote: S3Client, destination: BoundDestination, key: string, body: Uint8Array, metadata: Record<string, string> | undefined, declaration: DeclarationEntry): Promise<Landed> {
  try {
    const put = await remote.send(
      new PutObjectCommand({
        Bucket: destination.bucket,
        Key: key,
        Body: body,
        IfNoneMatch: '*',
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(declaration.output.sha256, 'hex').toString('base64'),
        Metadata: metadata,
      }),
    );
    return { state: 'landed', etag: put.ETag, versionId: put.VersionId, attempts: put.$metadata.attempts ?? 1 };
  } catch (err) {
    return landedState(remote, destination, key, declaration, err);
  }
}

/** Pushes one declared output to its cross-partition destination and records the outcome once. */
export async function pushObject(job: PushJob, destination: BoundDestination, deps: PushDeps): Promise<PushOutcome> {
  const object = await deps.s3.send(new GetObjectCommand({ Bucket: job.bucket, Key: job.key, VersionId: job.versionId }));
  if (!object.Body) throw new Error(`s3://${job.bucket}/${job.key} has no body`);
  const body = await object.Body.transformToByteArray();
  const sha256 = createHash('sha256').update(body).digest('hex');
  const declaration = await declarationFor(deps.ledger, { key: job.key, metadata: object.Metadata, sha256 });
  const delivery = { declaration, destination };
  const final = await finalReceiptOf(deps.ledger, delivery);
  if (final !== undefined) return { status: 'already_final', seq: final.seq };

  const remote = await deps.remote(destination);
  const landed = await putOnce(remote, destination, job.key, body, object.Metadata, declaration);
  const report = { declaration, destination, key: job.key, notification: job.notification };
  if (landed.state === 'landed') {
    const recorded = await recordDelivery(deps.ledger, {
      ...report,
      status: 'delivered',
      attempts: landed.attempts,
      ...(landed.etag === undefined ? {} : { etag: landed.etag }),
      ...(landed.versionId === undefined ? {} : { versionId: landed.versionId }),
    });
    return { status: 'delivered', recorded: recorded.kind, seq: recorded.entry.seq };
  }
  if (landed.state === 'other-content') {
    const recorded = await recordDelivery(deps.ledger, {
      ...report,
      status: 'failed',
      attempts: 1,
      error: `the destination already holds another object under ${job.key}; not overwritten`,
    });
    return { status: 'failed', recorded: recorded.kind, seq: recorded.entry.seq };
  }
  const attempt = await deps.attempts.failed(deliveryIdentity({ declarationSeq: declaration.seq, method: destination.method, destination }));
  const error = landed.error instanceof Error ? landed.error.message : String(landed.error);
  if (attempt >= deps.maxAttempts) {
    const recorded = await recordDelivery(deps.ledger, { ...report, status: 'failed', attempts: attempt, error });
    return { status: 'failed', recorded: recorded.kind, seq: recorded.entry.seq };
  }
  await recordDelivery(deps.ledger, { ...report, status: 'retrying', attempts: attempt, error, notification: `${job.notification} attempt ${attempt}` });
  throw new PushRetryError(job.key, attempt, landed.error);
}
