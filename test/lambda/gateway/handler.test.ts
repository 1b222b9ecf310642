import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Body } from '../../support/s3-body';
import type { Context } from 'aws-lambda';
import { exampleRuleJson } from '../core/support';

const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);
const dynamodb = mockClient(DynamoDBClient);

const RAW = [
  { txn: { tradeNo: '2026060122001234567890123456', amount: 1200 }, payer: { idNumber: '11010519491231002X', mobile: '13800138000', name: '张三' }, card: { pan: '6222021234567890123' }, memo: 'call 13912345678' },
  { txn: { tradeNo: '2026060122001234567890123457', amount: 80 }, card: { pan: '4111111111111111', cvv: '123' } },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'gateway', awsRequestId: 'req-1' } as unknown as Context;
const event = {
  'detail-type': 'Object Created' as const,
  detail: { bucket: { name: 'raw-c2' }, object: { key: 'raw/source=pos/date=2026-06-01/batch-1.jsonl', 'version-id': 'v1' } },
};

async function loadHandler() {
  Object.assign(process.env, {
    TRANSFER_RULES: JSON.stringify([exampleRuleJson()]),
    RAW_PREFIX: 'raw/',
    OUTBOUND_BUCKET: 'outbound',
    OUTBOUND_PREFIX: 'outbound/',
    STAGING_PREFIX: 'staging/',
    QUARANTINE_PREFIX: 'quarantine/',
    LEDGER_BUCKET: 'ledger',
    LEDGER_HEAD_TABLE: 'ledger-head',
    IDEMPOTENCY_TABLE: 'idempotency',
    HEADCOUNT_TABLE: 'headcount',
    TOKEN_KEY_ID: 'arn:aws-cn:kms:cn-north-1:111122223333:key/token',
    EXPORTER: '111122223333/cn-north-1',
    POWERTOOLS_METRICS_NAMESPACE: 'Test',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
  return (await import('../../../lambda/gateway/handler')).handler;
}

beforeEach(() => {
  s3.reset();
  kms.reset();
  dynamodb.reset();
  jest.useFakeTimers({ now: new Date('2026-06-01T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'queueMicrotask'] });
  kms.on(GenerateMacCommand).resolves({ Mac: randomBytes(32) });
  s3.on(GetObjectCommand).resolves({ Body: s3Body(RAW), VersionId: 'v1', ContentLength: Buffer.byteLength(RAW) });
  s3.on(PutObjectCommand).resolves({ VersionId: 'staged-v' });
  s3.on(CopyObjectCommand).resolves({});
  dynamodb.on(GetItemCommand).resolves({}); // empty ledger: this is the genesis entry
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(UpdateItemCommand).resolves({ Attributes: {} });
});
afterEach(() => jest.useRealTimers());

/** Every S3 write in order, as `bucket/first-folder`. */
const writes = () =>
  s3.calls()
    .map((call) => call.args[0] as PutObjectCommand | CopyObjectCommand)
    .filter((command) => command instanceof PutObjectCommand || command instanceof CopyObjectCommand)
    .map((command) => `${command.input.Bucket}/${String(command.input.Key).split('/')[0]}`);

describe('gateway handler', () => {
  test('one object: stages the output, declares it in the ledger, then releases it to outbound/; nothing raw leaves', async () => {
    const handler = await loadHandler();
    const result = await handler(event, context);

    expect(result.results[0]).toMatchObject({ versionId: 'v1', outcomes: [{ rule: 'sg-settlement@1', status: 'transferred', read: 2, written: 1, quarantined: 1 }] });
    expect(writes()).toEqual(['raw-c2/quarantine', 'outbound/staging', 'ledger/ledger', 'outbound/outbound']);

    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const staged = puts.find((p) => p.Bucket === 'outbound')!;
    expect(staged).toMatchObject({ Key: 'staging/ap-southeast-1/sg-settlement/v1/source=pos/date=2026-06-01/version=v1/batch-1.jsonl', ChecksumAlgorithm: 'SHA256' });
    expect(String(staged.Body)).not.toMatch(/11010519491231002X|13800138000|13912345678|6222021234567890123|张三/);

    const declaration = JSON.parse(puts.find((p) => p.Bucket === 'ledger')!.Body as string);
    expect(declaration).toMatchObject({
      kind: 'declaration',
      seq: 1,
      rule: { id: 'sg-settlement', version: '1', legalBasis: 'cac_contract_necessity' },
      source: { bucket: 'raw-c2', key: event.detail.object.key, versionId: 'v1' },
      output: { key: 'outbound/ap-southeast-1/sg-settlement/v1/source=pos/date=2026-06-01/version=v1/batch-1.jsonl' },
      counts: { in: 2, out: 1, quarantined: 1 },
      idempotencyKey: 'raw-c2/raw/source=pos/date=2026-06-01/batch-1.jsonl@v1#sg-settlement@1',
    });
    const claim = dynamodb.commandCalls(PutItemCommand).find((c) => c.args[0].input.TableName === 'ledger-head')!;
    expect(claim.args[0].input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { identity: { S: `declaration ${declaration.idempotencyKey}` } } });

    const release = s3.commandCalls(CopyObjectCommand)[0]!.args[0].input;
    expect(release).toEqual({
      Bucket: 'outbound',
      Key: declaration.output.key,
      CopySource: 'outbound/staging/ap-southeast-1/sg-settlement/v1/source%3Dpos/date%3D2026-06-01/version%3Dv1/batch-1.jsonl?versionId=staged-v',
      IfNoneMatch: '*',
      MetadataDirective: 'REPLACE',
      Metadata: { rule: 'sg-settlement@1', 'declaration-seq': '1', 'declaration-hash': declaration.hash, sha256: declaration.output.sha256 },
      ContentType: 'application/x-ndjson',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(1);
  });

  test('a backfill item (no version) is resolved to its current version first, and exactly that version is read', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v9' });
    const handler = await loadHandler();
    const result = await handler({ Items: [{ Key: 'raw/source=pos/date=2025-01-01/old.jsonl' }], BatchInput: { bucket: 'raw-c2' } }, context);
    expect(result.results[0]).toMatchObject({ versionId: 'v9' });
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'raw-c2', Key: 'raw/source=pos/date=2025-01-01/old.jsonl' });
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'raw-c2', Key: 'raw/source=pos/date=2025-01-01/old.jsonl', VersionId: 'v9' });
    // The idempotency record is keyed on the resolved version, as the live event's is.
    const record = dynamodb.commandCalls(PutItemCommand).find((c) => c.args[0].input.TableName === 'idempotency');
    expect(record).toBeDefined();
  });

  test('a backfill item deleted after the listing is reported, not transferred', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' }));
    const handler = await loadHandler();
    const result = await handler({ Items: [{ Key: 'raw/gone.jsonl' }], BatchInput: { bucket: 'raw-c2' } }, context);
    expect(result.results).toEqual([{ object: 'raw/gone.jsonl', status: 'source_missing', outcomes: [] }]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('refuses an event it does not know, before reading anything', async () => {
    const handler = await loadHandler();
    await expect(handler({ 'detail-type': 'Object Deleted' } as never, context)).rejects.toThrow(/unsupported event/);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('an object it cannot process (not JSON Lines) is quarantined by reference and the invocation succeeds: no retry, no dead letter', async () => {
    const handler = await loadHandler();
    const csv = { ...event, detail: { ...event.detail, object: { key: 'raw/source=kyc/customer-13800138000.csv', 'version-id': 'v4' } } };
    const result = await handler(csv, context);
    expect(result.results[0]).toMatchObject({ versionId: 'v4', outcomes: [{ status: 'object_quarantined', reason: 'unsupported_format' }] });
    expect(writes()).toEqual(['raw-c2/quarantine']);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Key).toMatch(/^quarantine\/objects\/[0-9a-f]{64}\/v4\.json$/);
    expect(String(put.Body)).not.toContain('13800138000');
    expect(JSON.parse(String(put.Body))).toMatchObject({ source: { bucket: 'raw-c2', versionId: 'v4', size: Buffer.byteLength(RAW) }, reason: 'unsupported_format' });
  });
});
