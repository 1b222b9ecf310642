/**
 * Delivery and receipts. Cross-partition destinations (China ↔ abroad, where S3 replication cannot
 * reach): on an outbound object, push it over TLS to the destination bucket with credentials of the
 * other partition from Secrets Manager, then write a receipt. Same-partition destinations: S3
 * replication delivers; this function turns its completion/failure events into receipts.
 * Nothing undeclared is delivered: the object must carry its declaration's seq and hash.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { requireCredentials } from '../credential-rotation/credentials';
import { appendOnce, LedgerStore } from '../shared/ledger-store';
import { declarationOf, type DeliveryDestination, destinationRegionOf, parseDestinations } from './destinations';

const destinations = parseDestinations(process.env.DESTINATIONS);
const outboundPrefix = process.env.OUTBOUND_PREFIX ?? 'outbound/';
const logger = new Logger();
const tracer = new Tracer();
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const secrets = tracer.captureAWSv3Client(new SecretsManagerClient({}));
const ledger = new LedgerStore({
  s3,
  dynamodb: tracer.captureAWSv3Client(new DynamoDBClient({})),
  bucket: process.env.LEDGER_BUCKET ?? '',
  headTable: process.env.LEDGER_HEAD_TABLE ?? '',
});
const MAX_ATTEMPTS = 5;

const remoteClients = new Map<string, Promise<S3Client>>();
/** An S3 client for the other partition, built once per destination from its secret. */
function remoteClient(destination: DeliveryDestination): Promise<S3Client> {
  let client = remoteClients.get(destination.region);
  if (!client) {
    client = secrets.send(new GetSecretValueCommand({ SecretId: destination.credentialsSecretArn })).then((secret) => {
      const credentials = requireCredentials(secret.SecretString, `secret ${destination.credentialsSecretArn}`);
      return new S3Client({ region: destination.region, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey }, maxAttempts: MAX_ATTEMPTS });
    });
    remoteClients.set(destination.region, client);
    client.catch(() => remoteClients.delete(destination.region));
  }
  return client;
}

interface ObjectCreatedEvent {
  readonly 'detail-type': 'Object Created';
  readonly detail: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly 'version-id'?: string } };
}

async function receipt(input: {
  destination: DeliveryDestination & { readonly bucket: string };
  key: string;
  declaration: { seq: number; hash: string };
  status: 'delivered' | 'failed';
  etag?: string;
  versionId?: string;
  attempts: number;
  error?: string;
}) {
  return appendOnce(ledger, {
    kind: 'receipt',
    declarationSeq: input.declaration.seq,
    declarationHash: input.declaration.hash,
    method: input.destination.method,
    destination: { region: input.destination.region, bucket: input.destination.bucket, key: input.key, etag: input.etag, versionId: input.versionId },
    status: input.status,
    attempts: input.attempts,
    deliveredAt: new Date().toISOString(),
    error: input.error,
  });
}

async function push(event: ObjectCreatedEvent): Promise<void> {
  const { key } = event.detail.object;
  const region = destinationRegionOf(key, outboundPrefix);
  const destination = destinations.find((d) => d.region === region && d.method === 'cross-partition-push');
  if (!destination) {
    logger.info('not a cross-partition destination; S3 replication delivers it', { key, region });
    return;
  }
  if (!destination.bucket) {
    throw new Error(
      `${destination.region}: the landing bucket was not known at synth (its account is in another partition); set accounts.destinations.${destination.region} and redeploy the home stack. Nothing was pushed`,
    );
  }
  const bound = { ...destination, bucket: destination.bucket };
  const object = await s3.send(new GetObjectCommand({ Bucket: event.detail.bucket.name, Key: key, VersionId: event.detail.object['version-id'] }));
  const declaration = declarationOf(object.Metadata);
  const body = await object.Body!.transformToByteArray();
  try {
    const remote = await remoteClient(bound);
    const put = await remote.send(
      new PutObjectCommand({ Bucket: bound.bucket, Key: key, Body: body, ChecksumAlgorithm: 'SHA256', Metadata: object.Metadata }),
    );
    await receipt({ destination: bound, key, declaration, status: 'delivered', etag: put.ETag, versionId: put.VersionId, attempts: put.$metadata.attempts ?? 1 });
    logger.info('delivered', { key, region, declarationSeq: declaration.seq });
  } catch (err) {
    await receipt({ destination: bound, key, declaration, status: 'failed', attempts: MAX_ATTEMPTS, error: (err as Error).message.slice(0, 500) });
    throw err; // Lambda retries the event, then it goes to the dead-letter queue: nothing is lost.
  }
}

async function replicationReceipts(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const region = destinationRegionOf(key, outboundPrefix);
    const destination = destinations.find((d) => d.region === region && d.method === 's3-replication');
    if (!destination?.bucket) throw new Error(`replication event for ${key}: no replicated destination for region ${region}`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: record.s3.bucket.name, Key: key, VersionId: record.s3.object.versionId }));
    const declaration = declarationOf(head.Metadata);
    const delivered = record.eventName.endsWith('OperationCompletedReplication');
    await receipt({
      destination: { ...destination, bucket: destination.bucket },
      key,
      declaration,
      status: delivered ? 'delivered' : 'failed',
      versionId: record.s3.object.versionId,
      attempts: 1,
      error: delivered ? undefined : `S3 replication reported ${record.eventName}`,
    });
  }
}

/** S3 replication notifications, delivered through the replication-events queue. */
export function s3EventsOf(event: SQSEvent): S3Event[] {
  return event.Records.map((message) => JSON.parse(message.body) as S3Event).filter((body) => Array.isArray(body.Records));
}

export const handler = async (event: ObjectCreatedEvent | SQSEvent): Promise<void> => {
  if ('Records' in event) {
    for (const s3Event of s3EventsOf(event)) await replicationReceipts(s3Event);
    return;
  }
  if (event['detail-type'] === 'Object Created') return push(event);
  throw new Error(`unsupported event: ${JSON.stringify(event).slice(0, 200)}`);
};
