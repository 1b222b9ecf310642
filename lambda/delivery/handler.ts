/**
 * Delivery and receipts. Cross-partition destinations (China ↔ abroad, where S3 replication cannot
 * reach): on a released outbound object, push it over TLS to the destination bucket with credentials
 * of the other partition from Secrets Manager, then write a receipt (push.ts). Same-partition
 * destinations: S3 replication delivers; this function turns its completion/failure notifications
 * into receipts (replication.ts). Nothing undeclared is delivered or receipted: the object must name
 * a declaration of its key in the ledger. Every receipt is written once per notification and each
 * delivery reaches one final state (receipts.ts); Powertools idempotency saves repeated work on top.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { requireCredentials } from '../credential-rotation/credentials';
import { LedgerStore } from '../shared/ledger-store';
import { AttemptCounter, PUSH_ATTEMPTS } from './attempts';
import { type BoundDestination, type DeliveryDestination, destinationRegionOf } from './destinations';
import { readDeliveryEnvironment } from './environment';
import { type PushJob, pushObject } from './push';
import { keyOf, replicationReceipt, type ReplicationRecord } from './replication';

const env = readDeliveryEnvironment(process.env);
const logger = new Logger();
const tracer = new Tracer();
const s3 = tracer.captureAWSv3Client(new S3Client({}));
const secrets = tracer.captureAWSv3Client(new SecretsManagerClient({}));
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const ledger = new LedgerStore({ s3, dynamodb, bucket: env.ledgerBucket, headTable: env.ledgerHeadTable });
const attempts = new AttemptCounter(dynamodb, env.idempotencyTable);
/** SDK retries per remote call (throttling, 5xx); attempts across invocations are PUSH_ATTEMPTS. */
const REMOTE_SDK_ATTEMPTS = 5;

const remoteClients = new Map<string, Promise<S3Client>>();
/** An S3 client for the other partition, built once per destination from its secret. */
function remoteClient(destination: DeliveryDestination): Promise<S3Client> {
  let client = remoteClients.get(destination.region);
  if (!client) {
    client = secrets.send(new GetSecretValueCommand({ SecretId: destination.credentialsSecretArn })).then((secret) => {
      const { accessKeyId, secretAccessKey } = requireCredentials(secret.SecretString, `secret ${destination.credentialsSecretArn}`);
      return new S3Client({ region: destination.region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: REMOTE_SDK_ATTEMPTS });
    });
    remoteClients.set(destination.region, client);
    client.catch(() => remoteClients.delete(destination.region));
  }
  return client;
}

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: env.idempotencyTable });
const pushConfig = new IdempotencyConfig({ expiresAfterSeconds: 7 * 24 * 3600 });
const receiptConfig = new IdempotencyConfig({ expiresAfterSeconds: 7 * 24 * 3600 });

const pushWith = (job: PushJob, destination: BoundDestination) =>
  pushObject(job, destination, { s3, remote: remoteClient, ledger, attempts, maxAttempts: PUSH_ATTEMPTS });
/** Keyed on the object version: one push per released output, whichever event asks. */
const pushOnce = makeIdempotent(
  (_object: { bucket: string; key: string; versionId?: string }, job: PushJob, destination: BoundDestination) => pushWith(job, destination),
  { persistenceStore, config: pushConfig, dataIndexArgument: 0 },
);

async function receiptWith(record: ReplicationRecord) {
  const recorded = await replicationReceipt(record, { s3, ledger, destinations: env.destinations, outboundPrefix: env.outboundPrefix });
  return recorded === undefined ? { recorded: 'ignored' } : { recorded: recorded.kind, seq: recorded.entry.seq };
}
/** Keyed on the notification: a redelivered message is answered from the record. */
const receiptOnce = makeIdempotent(receiptWith, { persistenceStore, config: receiptConfig });



interface ObjectCreatedEvent {
  readonly id?: string;
  readonly 'detail-type': 'Object Created';
  readonly detail: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly 'version-id'?: string } };
}

async function push(event: ObjectCreatedEvent, idempotent: boolean): Promise<void> {
  const { key } = event.detail.object;
  const region = destinationRegionOf(key, env.outboundPrefix);
  const destination = env.destinations.find((d) => d.region === region && d.method === 'cross-partition-push');
  if (!destination) {
    logger.info('not a cross-partition destination; S3 replication delivers it', { key, region });
    return;
  }
  if (!destination.bucket) {
    throw new Error(
      `${destination.region}: the landing bucket was not known at synth (its account is in another partition); set accounts.destinations.${destination.region} and redeploy the home stack. Nothing was pushed`,
    );
  }
  const versionId = event.detail.object['version-id'];
  const object = { bucket: event.detail.bucket.name, key, ...(versionId === undefined ? {} : { versionId }) };
  const notification = `push ${event.id ?? `${key}@${versionId ?? 'null'}`}`;
  const job = { ...object, notification };
  const bound: BoundDestination = { ...destination, bucket: destination.bucket };
  const outcome = await (idempotent ? pushOnce(object, job, bound) : pushWith(job, bound));
  logger.info('push', { key, region, ...outcome });
}

/** S3 replication notifications, delivered through the replication-events queue. */
export function s3EventsOf(event: SQSEvent): { messageId: string; records: ReplicationRecord[] }[] {
  return event.Records.map((message) => {
    const body = JSON.parse(message.body) as Partial<S3Event>;
    return { messageId: message.messageId, records: Array.isArray(body.Records) ? (body.Records as ReplicationRecord[]) : [] };
  });
}

/** Each message on its own: a failed one is retried alone (reported as a batch item failure), not the batch. */
async function replicationReceipts(event: SQSEvent, idempotent: boolean): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of s3EventsOf(event)) {
    try {
      for (const record of message.records) {
        const outcome = await (idempotent ? receiptOnce(record) : receiptWith(record));
        logger.info('replication receipt', { key: keyOf(record), event: record.eventName, ...outcome });
      }
    } catch (err) {
      logger.error('replication receipt failed; the message is retried', { messageId: message.messageId, error: (err as Error).message });
      failures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures: failures };
}

/**
 * Powertools bounds its in-progress lock by the invocation's remaining time, which only the Lambda
 * context gives: without one, a crashed invocation would lock its event for the record's whole
 * lifetime. Correctness does not need the records (receipts are once per notification in the
 * ledger), so an invocation without a context skips them.
 */
export const handler = async (event: ObjectCreatedEvent | SQSEvent, context?: Context): Promise<SQSBatchResponse | void> => {
  const idempotent = context !== undefined;
  if (context !== undefined) {
    pushConfig.registerLambdaContext(context);
    receiptConfig.registerLambdaContext(context);
    logger.addContext(context);
  }
  if ('Records' in event) return replicationReceipts(event, idempotent);
  if (event['detail-type'] === 'Object Created') return push(event, idempotent);
  throw new Error(`unsupported event: ${JSON.stringify(event).slice(0, 200)}`);
};
