import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Body } from '../../support/s3-body';

const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const dynamodb = mockClient(DynamoDBClient);

const DECLARATION = { 'declaration-seq': '4', 'declaration-hash': 'c'.repeat(64), rule: 'sg-settlement@1' };
const KEY = 'outbound/ap-southeast-1/sg-settlement/v1/source=pos/date=2026-06-01/batch-1.jsonl';
const event = { 'detail-type': 'Object Created' as const, detail: { bucket: { name: 'paydata-outbound' }, object: { key: KEY } } };

const PUSHED = { region: 'ap-southeast-1', bucket: 'paydata-landing-ap-southeast-1', method: 'cross-partition-push', credentialsSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:creds' };

/** A second push destination whose landing bucket was not known at synth (no destination account configured). */
const UNBOUND = { region: 'eu-central-1', method: 'cross-partition-push', credentialsSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:creds-eu' };

async function loadHandler() {
  process.env.DESTINATIONS = JSON.stringify([PUSHED, UNBOUND]);
  process.env.LEDGER_BUCKET = 'paydata-ledger';
  process.env.LEDGER_HEAD_TABLE = 'ledger-head';
  return (await import('../../../lambda/delivery/handler')).handler;
}

beforeEach(() => {
  s3.reset();
  secrets.reset();
  dynamodb.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ userName: 'paydata-delivery', accessKeyId: 'AKIA', secretAccessKey: 'secret' }) });
  dynamodb.on(GetItemCommand).resolves({ Item: { pk: { S: 'ledger' }, sk: { S: 'head' }, seq: { N: '4' }, hash: { S: 'c'.repeat(64) }, objectKey: { S: 'ledger/000000000004.json' } } });
  dynamodb.on(UpdateItemCommand).resolves({});
});

describe('delivery handler (cross-partition push)', () => {
  test('pushes declared output to the destination bucket and chains a delivered receipt to the ledger', async () => {
    s3.on(GetObjectCommand, { Bucket: 'paydata-outbound' }).resolves({ Body: s3Body('{"a":1}\n'), Metadata: DECLARATION });
    s3.on(PutObjectCommand, { Bucket: 'paydata-landing-ap-southeast-1' }).resolves({ ETag: '"etag-1"', VersionId: 'v9', $metadata: { attempts: 1 } });
    s3.on(PutObjectCommand, { Bucket: 'paydata-ledger' }).resolves({});
    const handler = await loadHandler();
    await handler(event);

    const pushed = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Bucket === 'paydata-landing-ap-southeast-1')!;
    expect(pushed.args[0].input).toMatchObject({ Key: KEY, ChecksumAlgorithm: 'SHA256' });
    const ledgerPut = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Bucket === 'paydata-ledger')!;
    expect(ledgerPut.args[0].input).toMatchObject({ Key: 'ledger/000000000005.json', IfNoneMatch: '*' });
    const receipt = JSON.parse(ledgerPut.args[0].input.Body as string);
    expect(receipt).toMatchObject({
      kind: 'receipt',
      seq: 5,
      prevHash: 'c'.repeat(64),
      declarationSeq: 4,
      declarationHash: 'c'.repeat(64),
      method: 'cross-partition-push',
      status: 'delivered',
      destination: { region: 'ap-southeast-1', bucket: 'paydata-landing-ap-southeast-1', key: KEY, etag: '"etag-1"', versionId: 'v9' },
    });
  });

  test('refuses undeclared output: nothing is pushed and nothing is receipted', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body('{"a":1}\n'), Metadata: {} });
    const handler = await loadHandler();
    await expect(handler(event)).rejects.toThrow(/refusing to deliver undeclared data/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('a failed push is receipted as failed, with the reason, and raised so the event is retried', async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body('{"a":1}\n'), Metadata: DECLARATION });
    s3.on(PutObjectCommand, { Bucket: 'paydata-landing-ap-southeast-1' }).rejects(new Error('AccessDenied'));
    s3.on(PutObjectCommand, { Bucket: 'paydata-ledger' }).resolves({});
    const handler = await loadHandler();
    await expect(handler(event)).rejects.toThrow('AccessDenied');
    const ledgerPut = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Bucket === 'paydata-ledger')!;
    expect(JSON.parse(ledgerPut.args[0].input.Body as string)).toMatchObject({ kind: 'receipt', status: 'failed', error: 'AccessDenied' });
  });

  test('a push whose landing bucket was not known at synth is refused before anything is read or sent', async () => {
    const handler = await loadHandler();
    const toUnbound = { ...event, detail: { ...event.detail, object: { key: KEY.replace('ap-southeast-1', 'eu-central-1') } } };
    await expect(handler(toUnbound)).rejects.toThrow(/eu-central-1: the landing bucket was not known at synth .*set accounts\.destinations\.eu-central-1/);
    expect(s3.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(0);
  });
});
