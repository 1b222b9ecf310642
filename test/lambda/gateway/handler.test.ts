import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Body } from '../../support/s3-body';
import type { Context } from 'aws-lambda';
import { exampleRuleJson } from '../core/support';

const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);
const dynamodb = mockClient(DynamoDBClient);

const RAW = [
  { txn: { tradeNo: '2026060122001234567890123456', amount: 1200 }, payer: { idNumber: '11010519491231002X', mobile: '13800138000', name: '张三' }, card: { pan: '6222021234567890123' }, memo: 'call 13912345678' },
  { txn: { tradeNo: '2026060122001234567890123457' }, card: { pan: '4111111111111111', cvv: '123' } },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

const context = { functionName: 'gateway', getRemainingTimeInMillis: () => 60_000, awsRequestId: 'req-1' } as unknown as Context;
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
  s3.on(GetObjectCommand).resolves({ Body: s3Body(RAW), VersionId: 'v1' });
  s3.on(PutObjectCommand).resolves({});
  dynamodb.on(GetItemCommand).resolves({}); // empty ledger: this is the genesis entry
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(UpdateItemCommand).resolves({ Attributes: {} });
});
afterEach(() => jest.useRealTimers());

describe('gateway handler', () => {
  test('one object: declares in the ledger, then writes desensitized output; nothing raw leaves', async () => {
    const handler = await loadHandler();
    const result = await handler(event, context);

    expect(result.results[0].outcomes[0]).toMatchObject({ rule: 'sg-settlement@1', status: 'transferred', read: 2, written: 1, quarantined: 1 });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const order = puts.map((p) => p.Bucket);
    expect(order.indexOf('ledger')).toBeLessThan(order.indexOf('outbound'));

    const declaration = JSON.parse(puts.find((p) => p.Bucket === 'ledger')!.Body as string);
    expect(declaration).toMatchObject({
      kind: 'declaration',
      seq: 1,
      rule: { id: 'sg-settlement', version: '1', legalBasis: 'cac_contract_necessity' },
      source: { bucket: 'raw-c2', key: event.detail.object.key, versionId: 'v1' },
      counts: { in: 2, out: 1, quarantined: 1 },
    });
    const output = puts.find((p) => p.Bucket === 'outbound')!;
    expect(output.Key).toBe('outbound/ap-southeast-1/sg-settlement/v1/source=pos/date=2026-06-01/batch-1.jsonl');
    expect(output.Metadata).toMatchObject({ 'declaration-seq': '1', 'declaration-hash': declaration.hash });
    expect(output.Body as string).not.toMatch(/11010519491231002X|13800138000|13912345678|6222021234567890123|张三/);
    expect(JSON.stringify(puts.find((p) => p.Bucket === 'raw-c2'))).not.toContain('"123"');
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(1);
  });

  test('a backfill batch (Distributed Map) reads the current version of each listed object', async () => {
    const handler = await loadHandler();
    const result = await handler({ Items: [{ Key: 'raw/source=pos/date=2025-01-01/old.jsonl' }], BatchInput: { bucket: 'raw-c2' } }, context);
    expect(result.results).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({ Bucket: 'raw-c2', Key: 'raw/source=pos/date=2025-01-01/old.jsonl' });
  });

  test('refuses an event it does not know, before reading anything', async () => {
    const handler = await loadHandler();
    await expect(handler({ 'detail-type': 'Object Deleted' } as never, context)).rejects.toThrow(/unsupported event/);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });
});
