import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand, type GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { canonicalJson, nextEntry } from '../../../lambda/core/ledger';
import { releaseMetadata } from '../../../lambda/shared/released-output';
import { declarationBody } from '../../support/ledger-fixtures';
import { s3Body } from '../../support/s3-body';
import { createHash } from 'node:crypto';

const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const dynamodb = mockClient(DynamoDBClient);

const BODY = '{"a":1}\n';
const SHA = createHash('sha256').update(BODY).digest('hex');
const KEY = 'outbound/ap-southeast-1/sg-settlement/v1/source=pos/date=2026-06-01/version=v1/batch-1.jsonl';
const DECLARATION = nextEntry(undefined, declarationBody(1, { output: { bucket: 'paydata-outbound', key: KEY, sha256: SHA, bytes: BODY.length, records: 1 } }));
const METADATA = releaseMetadata('sg-settlement@1', DECLARATION, SHA);
const LANDING = 'paydata-landing-ap-southeast-1';
const event = { id: 'event-7', 'detail-type': 'Object Created' as const, detail: { bucket: { name: 'paydata-outbound' }, object: { key: KEY, 'version-id': 'ov1' } } };
const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'delivery', awsRequestId: 'req' } as unknown as Context;

async function loadHandler() {
  Object.assign(process.env, {
    DESTINATIONS: JSON.stringify([
      { region: 'ap-southeast-1', bucket: LANDING, method: 'cross-partition-push', credentialsSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:creds' },
      { region: 'ap-east-1', bucket: 'paydata-landing-ap-east-1', method: 's3-replication' },
      // A push destination whose landing bucket was not known at synth (no destination account configured).
      { region: 'eu-central-1', method: 'cross-partition-push', credentialsSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:creds-eu' },
    ]),
    OUTBOUND_PREFIX: 'outbound/',
    LEDGER_BUCKET: 'paydata-ledger',
    LEDGER_HEAD_TABLE: 'ledger-head',
    IDEMPOTENCY_TABLE: 'idempotency',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
  return (await import('../../../lambda/delivery/handler')).handler;
}

/** Ledger puts, as the entries they write. */
const ledgerEntries = () =>
  s3.commandCalls(PutObjectCommand)
    .filter((c) => c.args[0].input.Bucket === 'paydata-ledger')
    .map((c) => JSON.parse(c.args[0].input.Body as string) as { kind: string; status?: string; error?: string; notification?: string });

beforeEach(() => {
  s3.reset();
  secrets.reset();
  dynamodb.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ userName: 'paydata-delivery', accessKeyId: 'AKIA', secretAccessKey: 'secret' }) });
  // The head names the declaration; nothing is claimed yet.
  dynamodb.on(GetItemCommand).callsFake(async (input: GetItemCommandInput) =>
    input.Key?.pk?.S === 'ledger' ? { Item: { pk: { S: 'ledger' }, sk: { S: 'head' }, seq: { N: '1' }, hash: { S: DECLARATION.hash } } } : {},
  );
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(UpdateItemCommand).resolves({ Attributes: { attempts: { N: '1' } } });
  s3.on(GetObjectCommand, { Bucket: 'paydata-outbound' }).resolves({ Body: s3Body(BODY), Metadata: METADATA });
  s3.on(GetObjectCommand, { Bucket: 'paydata-ledger', Key: 'ledger/000000000001.json' }).resolves({ Body: s3Body(canonicalJson(DECLARATION)) });
  s3.on(PutObjectCommand, { Bucket: 'paydata-ledger' }).resolves({});
});

describe('delivery handler: the cross-partition push', () => {
  test('pushes the declared output write-once with its SHA-256, then chains one delivered receipt', async () => {
    s3.on(PutObjectCommand, { Bucket: LANDING }).resolves({ ETag: '"etag-1"', VersionId: 'v9', $metadata: { attempts: 1 } });
    const handler = await loadHandler();
    await handler(event, context);

    const pushed = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Bucket === LANDING)!.args[0].input;
    expect(pushed).toMatchObject({ Key: KEY, IfNoneMatch: '*', ChecksumAlgorithm: 'SHA256', ChecksumSHA256: Buffer.from(SHA, 'hex').toString('base64'), Metadata: METADATA });
    expect(ledgerEntries()).toEqual([
      expect.objectContaining({
        kind: 'receipt',
        seq: 2,
        declarationSeq: 1,
        declarationHash: DECLARATION.hash,
        method: 'cross-partition-push',
        status: 'delivered',
        destination: { region: 'ap-southeast-1', bucket: LANDING, key: KEY, etag: '"etag-1"', versionId: 'v9' },
        notification: 'push event-7',
      }),
    ]);
  });

  test('without a Lambda context (which bounds Powertools\' in-progress lock) it delivers without idempotency records', async () => {
    s3.on(PutObjectCommand, { Bucket: LANDING }).resolves({ ETag: '"etag-1"', $metadata: { attempts: 1 } });
    const handler = await loadHandler();
    await handler(event);
    expect(ledgerEntries().map((e) => e.status)).toEqual(['delivered']);
    expect(dynamodb.commandCalls(PutItemCommand).filter((c) => c.args[0].input.TableName === 'idempotency')).toHaveLength(0);
  });

  test('refuses an object that names no declaration: nothing is pushed, nothing receipted', async () => {
    s3.on(GetObjectCommand, { Bucket: 'paydata-outbound' }).resolves({ Body: s3Body(BODY), Metadata: {} });
    const handler = await loadHandler();
    await expect(handler(event, context)).rejects.toThrow(/refusing to deliver undeclared data/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('refuses an object whose bytes are not what its declaration declared', async () => {
    s3.on(GetObjectCommand, { Bucket: 'paydata-outbound' }).resolves({ Body: s3Body('{"a":2}\n'), Metadata: METADATA });
    const handler = await loadHandler();
    await expect(handler(event, context)).rejects.toThrow(/its content is not what declaration seq 1 declared/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('a lost response to the push: the object is found landed, and receipted delivered, never failed', async () => {
    s3.on(PutObjectCommand, { Bucket: LANDING }).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    s3.on(HeadObjectCommand, { Bucket: LANDING }).resolves({ Metadata: METADATA, ChecksumSHA256: Buffer.from(SHA, 'hex').toString('base64'), ETag: '"e"' });
    const handler = await loadHandler();
    await handler(event, context);
    expect(ledgerEntries().map((e) => e.status)).toEqual(['delivered']);
  });

  test('a push that failed before landing is receipted retrying and raised, so Lambda retries it', async () => {
    s3.on(PutObjectCommand, { Bucket: LANDING }).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    s3.on(HeadObjectCommand, { Bucket: LANDING }).rejects(new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' }));
    const handler = await loadHandler();
    await expect(handler(event, context)).rejects.toThrow(/push of .* failed \(attempt 1\); recorded as retrying: Access Denied/);
    expect(ledgerEntries()).toEqual([expect.objectContaining({ status: 'retrying', error: 'Access Denied', notification: 'push event-7 attempt 1' })]);
    const counter = dynamodb.commandCalls(UpdateItemCommand).find((c) => c.args[0].input.TableName === 'idempotency' && c.args[0].input.UpdateExpression?.startsWith('ADD'));
    expect(counter?.args[0].input).toMatchObject({ UpdateExpression: 'ADD #attempts :one SET #expiration = :expiration', ReturnValues: 'UPDATED_NEW' });
  });

  test('the last attempt records the final failed state, and ends the retries', async () => {
    dynamodb.on(UpdateItemCommand).resolves({ Attributes: { attempts: { N: '3' } } });
    s3.on(PutObjectCommand, { Bucket: LANDING }).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    s3.on(HeadObjectCommand, { Bucket: LANDING }).rejects(new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' }));
    const handler = await loadHandler();
    await handler(event, context);
    expect(ledgerEntries()).toEqual([expect.objectContaining({ status: 'failed', error: 'Access Denied', attempts: 3 })]);
  });

  test('receipting that fails after a successful push fails the invocation, and writes no failed receipt', async () => {
    s3.on(PutObjectCommand, { Bucket: LANDING }).resolves({ ETag: '"e"', $metadata: { attempts: 1 } });
    s3.on(PutObjectCommand, { Bucket: 'paydata-ledger' }).rejects(Object.assign(new Error('Slow Down'), { name: 'SlowDown' }));
    const handler = await loadHandler();
    await expect(handler(event, context)).rejects.toThrow('Slow Down');
    expect(ledgerEntries().map((e) => e.status)).toEqual(['delivered']); // the one attempted write; never "failed"
  });
  test('a push whose landing bucket was not known at synth is refused before anything is read or sent', async () => {
    const handler = await loadHandler();
    const toUnbound = { ...event, detail: { ...event.detail, object: { key: KEY.replace('ap-southeast-1', 'eu-central-1') } } };
    await expect(handler(toUnbound, context)).rejects.toThrow(/eu-central-1: the landing bucket was not known at synth .*set accounts\.destinations\.eu-central-1/);
    expect(s3.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(0);
  });
});

describe('delivery handler: replication notifications', () => {
  const record = (key: string, eventName: string, sequencer: string) => ({
    eventName,
    eventTime: '2026-06-01T12:00:00.000Z',
    s3: { bucket: { name: 'paydata-outbound' }, object: { key, versionId: 'ov1', sequencer } },
  });
  const batch = (...records: ReturnType<typeof record>[]): SQSEvent =>
    ({ Records: records.map((r, i) => ({ messageId: `m${i}`, body: JSON.stringify({ Records: [r] }) })) }) as unknown as SQSEvent;
  const replicatedKey = KEY.replace('ap-southeast-1', 'ap-east-1');
  const replicated = nextEntry(undefined, declarationBody(1, { destination: { region: 'ap-east-1', country: 'HK', recipient: 'x' }, output: { ...DECLARATION.output, key: replicatedKey } }));

  test('receipts each message on its own and reports only the failed one for redelivery', async () => {
    s3.on(GetObjectCommand, { Bucket: 'paydata-ledger', Key: 'ledger/000000000001.json' }).resolves({ Body: s3Body(canonicalJson(replicated)) });
    s3.on(HeadObjectCommand, { Key: replicatedKey }).resolves({ Metadata: releaseMetadata('r@1', replicated, SHA), ReplicationStatus: 'COMPLETED' });
    s3.on(HeadObjectCommand, { Key: `${replicatedKey}.other` }).rejects(new Error('InternalError'));
    dynamodb.on(GetItemCommand).callsFake(async (input: GetItemCommandInput) =>
      input.Key?.pk?.S === 'ledger' ? { Item: { pk: { S: 'ledger' }, sk: { S: 'head' }, seq: { N: '1' }, hash: { S: replicated.hash } } } : {},
    );
    const handler = await loadHandler();
    const response = await handler(
      batch(record(replicatedKey, 'Replication:OperationCompletedReplication', '01'), record(`${replicatedKey}.other`, 'Replication:OperationCompletedReplication', '02')),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(ledgerEntries()).toEqual([expect.objectContaining({ kind: 'receipt', status: 'delivered', method: 's3-replication', notification: 'Replication:OperationCompletedReplication@2026-06-01T12:00:00.000Z#01' })]);
  });

  test('ignores an S3 test event', async () => {
    const handler = await loadHandler();
    await expect(handler({ Records: [{ messageId: 't', body: JSON.stringify({ Event: 's3:TestEvent' }) }] } as unknown as SQSEvent, context)).resolves.toEqual({ batchItemFailures: [] });
  });
});
