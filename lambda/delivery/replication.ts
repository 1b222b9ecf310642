/**
 * Receipts for same-partition deliveries, which S3 replication performs: its completion and failure
 * notifications (through SQS) become receipts. Notifications are at-least-once and unordered, and a
 * retried message can overtake a later one, so the object's own replication status (HeadObject's
 * `ReplicationStatus`, read when the notification is handled) decides:
 *   - `COMPLETED`: delivered, whatever the notification says (a "failed" one is stale);
 *   - `FAILED` with a failure notification: failed;
 *   - otherwise a completion notification means delivered, and a failure notification that the
 *     object does not confirm is recorded as `retrying`: never a final "failed" that a completion
 *     still on its way would contradict.
 * Whatever arrives after the final state becomes a notice (see receipts.ts).
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import type { LedgerStore } from '../shared/ledger-store';
import { type DeliveryDestination, destinationRegionOf } from './destinations';
import { declarationFor, recordDelivery, type Recorded } from './receipts';

export const REPLICATION_COMPLETED = 'OperationCompletedReplication';
export const REPLICATION_FAILED = 'OperationFailedReplication';

export interface ReplicationDeps {
  readonly s3: S3Client;
  readonly ledger: LedgerStore;
  readonly destinations: readonly DeliveryDestination[];
  readonly outboundPrefix: string;
}

/** An S3 replication notification record, as S3 writes it (it carries the failure reason). */
export type ReplicationRecord = S3EventRecord & { readonly replicationEventData?: { readonly failureReason?: string } };

/** The object key of an S3 event record (URL-encoded, spaces as '+'). */
export function keyOf(record: S3EventRecord): string {
  return decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
}

/** The identity of a notification: the same for a redelivered message, different for another notification. */
export function notificationOf(record: S3EventRecord): string {
  return `${record.eventName}@${record.eventTime}${record.s3.object.sequencer === undefined ? '' : `#${record.s3.object.sequencer}`}`;
}

/** Records one replication notification; undefined for a notification that is not a delivery outcome. */
export async function replicationReceipt(record: ReplicationRecord, deps: ReplicationDeps): Promise<Recorded | undefined> {
  const completed = record.eventName.endsWith(REPLICATION_COMPLETED);
  if (!completed && !record.eventName.endsWith(REPLICATION_FAILED)) return undefined;
  const key = keyOf(record);
  const region = destinationRegionOf(key, deps.outboundPrefix);
  const destination = deps.destinations.find((d) => d.region === region && d.method === 's3-replication');
  if (destination?.bucket === undefined) throw new Error(`replication event for ${key}: no replicated destination for region ${region}`);
  const versionId = record.s3.object.versionId;
  const head = await deps.s3.send(new HeadObjectCommand({ Bucket: record.s3.bucket.name, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }));
  const checksum = head.ChecksumSHA256;
  const sha256 = checksum === undefined || checksum.includes('-') ? undefined : Buffer.from(checksum, 'base64').toString('hex');
  const declaration = await declarationFor(deps.ledger, { key, metadata: head.Metadata, ...(sha256 === undefined ? {} : { sha256 }) });
  const replicated = head.ReplicationStatus === 'COMPLETED' || head.ReplicationStatus === 'COMPLETE';
  const status = completed || replicated ? 'delivered' : head.ReplicationStatus === 'FAILED' ? 'failed' : 'retrying';
  const reason = record.replicationEventData?.failureReason;
  const unconfirmed = status === 'retrying' ? `; the object's replication status is ${head.ReplicationStatus ?? 'not reported'}` : '';
  return recordDelivery(deps.ledger, {
    declaration,
    destination: { ...destination, bucket: destination.bucket },
    key,
    status,
    ...(versionId === undefined ? {} : { versionId }),
    attempts: 1,
    ...(status === 'delivered' ? {} : { error: `S3 replication reported ${record.eventName}${reason === undefined ? '' : ` (${reason})`}${unconfirmed}` }),
    notification: notificationOf(record),
  });
}
