/**
 * The fakes must hold to the semantics the suite relies on, or the suite proves nothing: these are
 * the S3, DynamoDB and fault behaviours the code under test depends on, checked on the fakes.
 */
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, TransactionCanceledException, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { FakeAws, interceptSdk, Invocation, ProcessCrashed } from './support/fake-aws';

let aws: FakeAws;
let restore: () => void;
beforeAll(() => {
  restore = interceptSdk(() => aws);
});
afterAll(() => restore());
beforeEach(() => {
  aws = new FakeAws();
  aws.s3.createBucket('b');
  aws.s3.createBucket('ledger', { writeOncePrefix: 'ledger/' });
  aws.dynamodb.createTable('t', ['pk', 'sk']);
  aws.dynamodb.createTable('idem', ['id']);
});

const s3 = new S3Client({});
const dynamodb = new DynamoDBClient({});

describe('fake S3', () => {
  test('versions every write; If-None-Match refuses a key that has a current version with 412', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'two' }));
    expect(aws.s3.versions('b', 'k')).toHaveLength(2);
    await expect(s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'three', IfNoneMatch: '*' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const first = aws.s3.versions('b', 'k')[0]!;
    const got = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k', VersionId: first.versionId }));
    expect(await got.Body?.transformToString()).toBe('one');
  });

  test('verifies the SHA-256 a put carries, and returns it with checksum mode on', async () => {
    const digest = createHash('sha256').update('body').digest('base64');
    await expect(s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'other', ChecksumSHA256: digest }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'body', ChecksumSHA256: digest }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k', ChecksumMode: 'ENABLED' }))).ChecksumSHA256).toBe(digest);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }))).ChecksumSHA256).toBeUndefined();
  });

  test('copies a given version, write-once with If-None-Match, replacing metadata when told', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'staging/a b', Body: 'x', Metadata: { old: '1' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'staging/a b', Body: 'newer' }));
    await s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'out/a', CopySource: `b/staging/a%20b?versionId=${put.VersionId}`, IfNoneMatch: '*', MetadataDirective: 'REPLACE', Metadata: { m: '2' } }));
    expect(aws.s3.current('b', 'out/a')).toMatchObject({ metadata: { m: '2' } });
    expect(aws.s3.current('b', 'out/a')?.body.toString()).toBe('x');
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'out/a', CopySource: 'b/staging/a%20b', IfNoneMatch: '*' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });

  test('the ledger prefix is write-once: no put without If-None-Match (bucket policy), no delete (Object Lock)', async () => {
    await expect(s3.send(new PutObjectCommand({ Bucket: 'ledger', Key: 'ledger/1.json', Body: '{}' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await s3.send(new PutObjectCommand({ Bucket: 'ledger', Key: 'ledger/1.json', Body: '{}', IfNoneMatch: '*' }));
    expect(() => aws.s3.execute('DeleteObjectCommand', { Bucket: 'ledger', Key: 'ledger/1.json' })).toThrow(/COMPLIANCE/);
  });

  test('missing keys: NoSuchKey on GET, 404 NotFound on HEAD', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'none' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'none' }))).rejects.toMatchObject({ name: 'NotFound' });
  });
});

describe('fake DynamoDB', () => {
  const key = { pk: { S: 'p' }, sk: { S: 's' } };

  test('evaluates Powertools\' idempotency condition as DynamoDB does, and returns the old item on a failed condition', async () => {
    const condition = 'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)';
    const put = (now: number) =>
      dynamodb.send(
        new PutItemCommand({
          TableName: 'idem',
          Item: { id: { S: 'k' }, status: { S: 'INPROGRESS' }, expiration: { N: String(now / 1000 + 3600) }, in_progress_expiration: { N: String(now + 60_000) } },
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#id': 'id', '#expiry': 'expiration', '#in_progress_expiry': 'in_progress_expiration', '#status': 'status' },
          ExpressionAttributeValues: { ':now': { N: String(now / 1000) }, ':now_in_millis': { N: String(now) }, ':inprogress': { S: 'INPROGRESS' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    await put(1_000_000);
    const refused = await put(1_030_000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    expect((refused as ConditionalCheckFailedException).Item?.status).toEqual({ S: 'INPROGRESS' });
    await expect(put(1_070_000)).resolves.toBeDefined(); // the in-progress record expired
  });

  test('updates: SET with if_not_exists and arithmetic, ADD, REMOVE; conditions on the result of earlier writes', async () => {
    await dynamodb.send(new UpdateItemCommand({ TableName: 't', Key: key, UpdateExpression: 'ADD #n :one SET #a = if_not_exists(#a, :x)', ExpressionAttributeNames: { '#n': 'n', '#a': 'a' }, ExpressionAttributeValues: { ':one': { N: '1' }, ':x': { S: 'first' } } }));
    const second = await dynamodb.send(
      new UpdateItemCommand({ TableName: 't', Key: key, UpdateExpression: 'ADD #n :one SET #a = if_not_exists(#a, :x), #b = #n + :one REMOVE #gone', ExpressionAttributeNames: { '#n': 'n', '#a': 'a', '#b': 'b', '#gone': 'gone' }, ExpressionAttributeValues: { ':one': { N: '1' }, ':x': { S: 'second' } }, ReturnValues: 'UPDATED_NEW' }),
    );
    expect(second.Attributes).toMatchObject({ n: { N: '2' }, a: { S: 'first' }, b: { N: '2' } });
    await expect(dynamodb.send(new UpdateItemCommand({ TableName: 't', Key: key, UpdateExpression: 'SET #a = :x', ConditionExpression: '#n = :three', ExpressionAttributeNames: { '#a': 'a', '#n': 'n' }, ExpressionAttributeValues: { ':x': { S: 'x' }, ':three': { N: '3' } } }))).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  test('a transaction applies all or nothing', async () => {
    const transaction = () =>
      dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 't', Item: { pk: { S: 'p' }, sk: { S: 'token' } }, ConditionExpression: 'attribute_not_exists(sk)' } },
            { Update: { TableName: 't', Key: { pk: { S: 'p' }, sk: { S: '#total' } }, UpdateExpression: 'ADD #c :one', ExpressionAttributeNames: { '#c': 'c' }, ExpressionAttributeValues: { ':one': { N: '1' } } } },
          ],
        }),
      );
    await transaction();
    await expect(transaction()).rejects.toBeInstanceOf(TransactionCanceledException);
    expect((await dynamodb.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'p' }, sk: { S: '#total' } } }))).Item?.c).toEqual({ N: '1' });
  });

  test('an expression it does not model fails the test instead of passing silently', async () => {
    await expect(dynamodb.send(new UpdateItemCommand({ TableName: 't', Key: key, UpdateExpression: 'DELETE #s :v', ExpressionAttributeNames: { '#s': 's' }, ExpressionAttributeValues: { ':v': { SS: ['x'] } } }))).rejects.toThrow(/not supported/);
  });
});

describe('faults', () => {
  const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: 'b', Key: key, Body: 'x' }));

  test('error: no effect; lost: the effect, then an error; crash: the effect, then nothing more of that invocation takes effect', async () => {
    const run = (kind: 'error' | 'lost' | 'crash') =>
      aws.run(new Invocation(kind, (call) => (call.index === 0 ? kind : undefined)), async () => {
        await put(`${kind}-1`).catch((e: unknown) => e);
        await put(`${kind}-2`).catch((e: unknown) => e);
      });
    await run('error');
    await run('lost');
    await run('crash');
    expect(aws.s3.list('b').map((o) => o.key)).toEqual(['crash-1', 'error-2', 'lost-1', 'lost-2']);
  });

  test('a crashed invocation\'s later calls fail as a dead process\'s would', async () => {
    const invocation = new Invocation('crashing', (call) => (call.index === 0 ? 'crash' : undefined));
    await aws.run(invocation, async () => {
      await expect(put('a')).rejects.toBeInstanceOf(ProcessCrashed);
      await expect(put('b')).rejects.toBeInstanceOf(ProcessCrashed);
    });
    expect(invocation.crashed).toBe(true);
    expect(aws.s3.list('b').map((o) => o.key)).toEqual(['a']);
  });
});
