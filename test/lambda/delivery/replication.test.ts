import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import type { DeclarationEntry } from '../../../lambda/core/ledger';
import { keyOf, notificationOf, replicationReceipt, type ReplicationDeps } from '../../../lambda/delivery/replication';
import { LedgerStore } from '../../../lambda/shared/ledger-store';
import { releaseMetadata } from '../../../lambda/shared/released-output';
import { FakeAws, interceptSdk } from '../../fault-injection/support/fake-aws';
import type { S3Version } from '../../fault-injection/support/fake-s3';
import { declarationBody } from '../../support/ledger-fixtures';

let aws: FakeAws;
let restore: () => void;
beforeAll(() => {
  restore = interceptSdk(() => aws);
});
afterAll(() => restore());

const KEY = 'outbound/ap-southeast-1/sg-settlement/v3/2026-03-31/alipay/version=v1/batch 1.jsonl';
let deps: ReplicationDeps;
let object: S3Version;

beforeEach(async () => {
  aws = new FakeAws();
  aws.s3.createBucket('ledger', { writeOncePrefix: 'ledger/' });
  aws.s3.createBucket('outbound');
  aws.dynamodb.createTable('head', ['pk', 'sk']);
  const ledger = new LedgerStore({ s3: new S3Client({}), dynamodb: new DynamoDBClient({}), bucket: 'ledger', headTable: 'head', sleep: async () => undefined });
  const body = '{"txn":1}\n';
  const { entry } = await ledger.appendOnce(declarationBody(1, { output: { ...declarationBody(1).output, key: KEY, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length } }));
  object = aws.s3.write('outbound', KEY, body, releaseMetadata('sg-settlement@3', entry as DeclarationEntry, (entry as DeclarationEntry).output.sha256));
  deps = { s3: new S3Client({}), ledger, destinations: [{ region: 'ap-southeast-1', bucket: 'landing', method: 's3-replication' }], outboundPrefix: 'outbound/' };
});

function record(eventName: string): S3EventRecord {
  return {
    eventName,
    eventTime: '2026-03-31T09:00:00.000Z',
    s3: { bucket: { name: 'outbound' }, object: { key: KEY.replace(/ /g, '+'), versionId: object.versionId, sequencer: '0055' } },
  } as S3EventRecord;
}

describe('replicationReceipt', () => {
  test.each<[string, S3Version['replicationStatus'] | undefined, string]>([
    ['Replication:OperationCompletedReplication', 'COMPLETED', 'delivered'],
    ['Replication:OperationCompletedReplication', undefined, 'delivered'],
    ['Replication:OperationFailedReplication', 'COMPLETED', 'delivered'], // a stale failure: S3 says the object is replicated
    ['Replication:OperationFailedReplication', 'FAILED', 'failed'],
    ['Replication:OperationFailedReplication', 'PENDING', 'retrying'], // not confirmed: never a final failure a completion could contradict
    ['Replication:OperationFailedReplication', undefined, 'retrying'],
  ])('%s with the object reporting %s → %s', async (eventName, status, expected) => {
    if (status !== undefined) object.replicationStatus = status;
    const recorded = await replicationReceipt(record(eventName), deps);
    expect(recorded).toMatchObject({ kind: 'state', entry: { kind: 'receipt', status: expected, destination: { key: KEY, versionId: object.versionId }, notification: notificationOf(record(eventName)) } });
  });

  test('a failure names S3\'s reason', async () => {
    object.replicationStatus = 'FAILED';
    const failed = { ...record('Replication:OperationFailedReplication'), replicationEventData: { failureReason: 'DstBucketNotFound' } };
    await expect(replicationReceipt(failed, deps)).resolves.toMatchObject({ entry: { error: 'S3 replication reported Replication:OperationFailedReplication (DstBucketNotFound)' } });
  });

  test('a notification that is no outcome is ignored', async () => {
    await expect(replicationReceipt(record('Replication:OperationMissedThreshold'), deps)).resolves.toBeUndefined();
  });

  test('refuses a key of no replicated destination', async () => {
    await expect(replicationReceipt(record('Replication:OperationCompletedReplication'), { ...deps, destinations: [] })).rejects.toThrow(/no replicated destination for region ap-southeast-1/);
  });

  test('decodes the event key (URL-encoded, spaces as +) and names the notification by event, time and sequencer', () => {
    expect(keyOf(record('x'))).toBe(KEY);
    expect(notificationOf(record('Replication:OperationCompletedReplication'))).toBe('Replication:OperationCompletedReplication@2026-03-31T09:00:00.000Z#0055');
  });
});
