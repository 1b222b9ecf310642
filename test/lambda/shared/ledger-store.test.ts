import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  claimIdentityOf,
  GENESIS_HASH,
  headOf,
  LedgerEntryError,
  nextEntry,
  type LedgerBody,
  type LedgerEntry,
  type LedgerHead,
} from '../../../lambda/core/ledger';
import { claimKeyFor, LEDGER_HEAD_KEY, LedgerContentionError, LedgerIntegrityError, LedgerStore } from '../../../lambda/shared/ledger-store';
import { declarationBody, receiptBody } from '../../support/ledger-fixtures';
import { s3Body } from '../../support/s3-body';

const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);

const HEAD_41: LedgerHead = { seq: 41, hash: '41'.repeat(32) };

function headItem(head: LedgerHead): { Item: Record<string, AttributeValue> } {
  return { Item: { ...LEDGER_HEAD_KEY, seq: { N: String(head.seq) }, hash: { S: head.hash } } };
}

/** The claim item the store writes for a planned entry. */
function claimItem(plan: LedgerEntry): Record<string, AttributeValue> {
  const { seq: _seq, prevHash: _prevHash, hash: _hash, ...body } = plan;
  const identity = claimIdentityOf(body as LedgerBody);
  return { ...claimKeyFor(identity), identity: { S: identity }, entry: { S: canonicalJson(plan) }, seq: { N: String(plan.seq) }, claimedAt: { S: '2026-03-31T08:00:00.000Z' } };
}

const s3Error = (name: string, status: number): S3ServiceException =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
const preconditionFailed = (): S3ServiceException => s3Error('PreconditionFailed', 412);
const noSuchKey = (): NoSuchKey => new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' });
const conditionFailed = (item?: Record<string, AttributeValue>): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item === undefined ? {} : { Item: item }) });

const delays: number[] = [];
function store(maxAttempts?: number): LedgerStore {
  return new LedgerStore({
    s3: new S3Client({ region: 'cn-north-1' }),
    dynamodb: new DynamoDBClient({ region: 'cn-north-1' }),
    bucket: 'ledger-bucket',
    headTable: 'ledger-head',
    maxAttempts,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

const putKeys = (): (string | undefined)[] => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
const objectOf = (entry: LedgerEntry) => ({ Body: s3Body(canonicalJson(entry)) });

beforeEach(() => {
  s3.reset();
  dynamodb.reset();
  delays.length = 0;
});

describe('LedgerStore.appendOnce, first append of an identity', () => {
  test('claims the identity if unclaimed, puts the entry if its seq is free, then creates the head if absent', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    dynamodb.on(PutItemCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});

    const { entry, claimedNow } = await store().appendOnce(declarationBody(1));

    expect(claimedNow).toBe(true);
    expect(entry).toMatchObject({ kind: 'declaration', seq: 1, prevHash: GENESIS_HASH });
    const identity = claimIdentityOf(declarationBody(1));
    expect(dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'ledger-head',
      Item: { ...claimItem(entry), claimedAt: { S: expect.any(String) } },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(claimKeyFor(identity).pk.S).toMatch(/^claim#[0-9a-f]{64}$/);
    const text = canonicalJson(entry);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'ledger-bucket',
      Key: 'ledger/000000000001.json',
      Body: text,
      ContentType: 'application/json',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: createHash('sha256').update(text).digest('base64'),
    });
    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
      Key: LEDGER_HEAD_KEY,
      ConditionExpression: 'attribute_not_exists(#seq)',
      ExpressionAttributeValues: { ':seq': { N: '1' }, ':hash': { S: entry.hash }, ':objectKey': { S: 'ledger/000000000001.json' } },
    });
  });

  test('follows the head: next seq, linked to the head hash, head moved only if still at the predecessor', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    dynamodb.on(PutItemCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});

    const declaration = nextEntry(undefined, declarationBody(1));
    const { entry } = await store().appendOnce(receiptBody(declaration));

    expect(entry).toMatchObject({ kind: 'receipt', seq: 42, prevHash: HEAD_41.hash });
    expect(putKeys()).toEqual(['ledger/000000000042.json']);
    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#seq = :prevSeq AND #hash = :prevHash',
      ExpressionAttributeValues: { ':prevSeq': { N: '41' }, ':prevHash': { S: HEAD_41.hash }, ':seq': { N: '42' } },
    });
    expect(delays).toEqual([]);
  });
});

describe('LedgerStore.appendOnce, a retry of the same body', () => {
  test('after a lost response to its entry put: finds its claim and its entry, same seq, the first try\'s declaredAt', async () => {
    const first = nextEntry(HEAD_41, declarationBody(8));
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41)); // the head never moved: the try died after its put
    dynamodb.on(PutItemCommand).rejects(conditionFailed(claimItem(first)));
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand, { Key: 'ledger/000000000042.json' }).resolves(objectOf(first));
    dynamodb.on(UpdateItemCommand).resolves({});

    const retry = declarationBody(8, { declaredAt: '2026-03-31T09:59:00.000Z' });
    const { entry, claimedNow } = await store().appendOnce(retry);

    expect(claimedNow).toBe(false);
    expect(entry).toEqual(first);
    expect(entry.declaredAt).toBe(declarationBody(8).declaredAt);
    expect(putKeys()).toEqual(['ledger/000000000042.json']);
    expect(dynamodb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':seq'])).toEqual([{ N: '42' }]);
  });

  test('after a crash between claim and put: writes the claimed entry, not a new one', async () => {
    const claimed = nextEntry(HEAD_41, declarationBody(8));
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    dynamodb.on(PutItemCommand).rejects(conditionFailed(claimItem(claimed)));
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});

    const { entry } = await store().appendOnce(declarationBody(8, { declaredAt: '2026-03-31T10:00:00.000Z' }));
    expect(entry).toEqual(claimed);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body).toBe(canonicalJson(claimed));
  });

  test('a failed head update after the put is raised (the entry stands); the retry finds it and moves the head', async () => {
    const first = nextEntry(HEAD_41, declarationBody(8));
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    dynamodb.on(PutItemCommand).resolvesOnce({}).rejects(conditionFailed(claimItem(first)));
    s3.on(PutObjectCommand).resolvesOnce({}).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves(objectOf(first));
    dynamodb.on(UpdateItemCommand).rejectsOnce(new Error('ProvisionedThroughputExceededException')).resolves({});

    await expect(store().appendOnce(declarationBody(8))).rejects.toThrow('ProvisionedThroughputExceededException');
    const { entry } = await store().appendOnce(declarationBody(8, { declaredAt: '2026-03-31T09:00:00.000Z' }));
    expect(entry).toEqual(first);
    expect(putKeys()).toEqual(['ledger/000000000042.json', 'ledger/000000000042.json']);
  });
});

describe('LedgerStore.appendOnce under contention', () => {
  test('loses the race for its planned seq: repairs the head over the winner, moves the plan after it, appends there', async () => {
    const winner = nextEntry(HEAD_41, declarationBody(7));
    dynamodb.on(GetItemCommand).resolvesOnce(headItem(HEAD_41)).resolvesOnce(headItem(HEAD_41)).resolves(headItem(headOf(winner)));
    dynamodb.on(PutItemCommand).resolves({});
    s3.on(PutObjectCommand).rejectsOnce(preconditionFailed()).resolves({});
    s3.on(GetObjectCommand, { Key: 'ledger/000000000042.json' }).resolves(objectOf(winner));
    s3.on(GetObjectCommand, { Key: 'ledger/000000000043.json' }).rejects(noSuchKey());
    dynamodb.on(UpdateItemCommand).resolves({});

    const { entry } = await store().appendOnce(declarationBody(8));

    expect(entry).toMatchObject({ seq: 43, prevHash: winner.hash });
    expect(putKeys()).toEqual(['ledger/000000000042.json', 'ledger/000000000043.json']);
    const updates = dynamodb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => [u.Key, u.ConditionExpression, u.ExpressionAttributeValues?.[':seq']?.N])).toEqual([
      [LEDGER_HEAD_KEY, '#seq = :prevSeq AND #hash = :prevHash', '42'], // the repair
      [claimKeyFor(claimIdentityOf(declarationBody(8))), '#seq = :lostSeq', '43'], // the plan moves only from the seq it lost
      [LEDGER_HEAD_KEY, '#seq = :prevSeq AND #hash = :prevHash', '43'],
    ]);
    expect(updates[1]?.ExpressionAttributeValues?.[':lostSeq']).toEqual({ N: '42' });
    expect(delays).toHaveLength(1);
  });

  test('adopts the plan another writer of the same identity moved first', async () => {
    const winner = nextEntry(HEAD_41, declarationBody(7));
    const theirs = nextEntry(headOf(winner), declarationBody(8, { declaredAt: '2026-03-31T08:30:00.000Z' }));
    dynamodb.on(GetItemCommand).resolvesOnce(headItem(HEAD_41)).resolves(headItem(headOf(winner)));
    dynamodb.on(PutItemCommand).resolves({});
    s3.on(PutObjectCommand, { Key: 'ledger/000000000042.json' }).rejects(preconditionFailed());
    s3.on(PutObjectCommand, { Key: 'ledger/000000000043.json' }).resolves({});
    s3.on(GetObjectCommand, { Key: 'ledger/000000000042.json' }).resolves(objectOf(winner));
    s3.on(GetObjectCommand, { Key: 'ledger/000000000043.json' }).rejects(noSuchKey());
    dynamodb.on(UpdateItemCommand, { Key: claimKeyFor(claimIdentityOf(declarationBody(8))) }).rejects(conditionFailed(claimItem(theirs)));
    dynamodb.on(UpdateItemCommand, { Key: LEDGER_HEAD_KEY }).resolves({});

    const { entry } = await store().appendOnce(declarationBody(8));
    expect(entry).toEqual(theirs);
  });

  test('gives up after maxAttempts with a clear error, having waited a bounded random time between attempts', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    dynamodb.on(PutItemCommand).resolves({});
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));

    await expect(store(3).appendOnce(declarationBody(8))).rejects.toThrow(new LedgerContentionError(3, 42));
    expect(putKeys()).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeLessThanOrEqual(50);
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });
});

describe('LedgerStore refuses what it cannot vouch for', () => {
  test('an object after the head that does not link to it', async () => {
    const stranger = nextEntry({ seq: 41, hash: 'ff'.repeat(32) }, declarationBody(7));
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    dynamodb.on(PutItemCommand).resolves({});
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves(objectOf(stranger));

    const append = store().appendOnce(declarationBody(8));
    await expect(append).rejects.toThrow(LedgerIntegrityError);
    await expect(append).rejects.toThrow(/ledger\/000000000042.json exists but does not follow the head \(seq 41\): broken link/);
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  test('an object whose content does not match its hash', async () => {
    const altered = { ...nextEntry(HEAD_41, declarationBody(7)), safetyNetRedactions: 5 };
    s3.on(GetObjectCommand).resolves(objectOf(altered));
    await expect(store().readEntry(42)).rejects.toThrow(/ledger\/000000000042.json exists but its hash does not match its content/);
  });

  test('a claim item of another identity, or planning another body', async () => {
    const other = nextEntry(HEAD_41, declarationBody(9));
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    dynamodb.on(PutItemCommand).rejects(conditionFailed({ ...claimItem(other), identity: { S: claimIdentityOf(declarationBody(8)) } }));
    await expect(store().appendOnce(declarationBody(8))).rejects.toThrow(/plans an entry of another identity/);
  });

  test('a malformed body, before touching AWS', async () => {
    await expect(store().appendOnce(declarationBody(8, { safetyNetRedactions: -1 }))).rejects.toThrow(
      new LedgerEntryError('ledger entry refused: safetyNetRedactions: must not be negative'),
    );
    const { notification: _none, ...anonymous } = receiptBody(nextEntry(undefined, declarationBody(1)), { status: 'retrying', error: 'timeout' });
    await expect(store().appendOnce(anonymous)).rejects.toThrow(/notification: a retrying receipt must name what reported it/);
    expect(dynamodb.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  test('a malformed head item, rather than guessing where the chain ends', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { ...LEDGER_HEAD_KEY, seq: { N: '41' } } });
    await expect(store().appendOnce(declarationBody(8))).rejects.toThrow(/head item in ledger-head is malformed/);
    expect(s3.calls()).toHaveLength(0);
  });

  test('S3 failures other than a taken seq are raised', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    dynamodb.on(PutItemCommand).resolves({});
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store().appendOnce(declarationBody(8))).rejects.toThrow('AccessDenied');
    expect(putKeys()).toHaveLength(1);
  });

  test('a maxAttempts that would never try', () => {
    expect(() => store(0)).toThrow('LedgerStore: maxAttempts: got 0; expected a whole number of at least 1');
  });
});

describe('LedgerStore.resume and readEntry', () => {
  test('resume: nothing claimed is undefined; a claim is completed and returned', async () => {
    const claimed = nextEntry(HEAD_41, declarationBody(8));
    const identity = claimIdentityOf(declarationBody(8));
    dynamodb.on(GetItemCommand, { Key: claimKeyFor(identity) }).resolvesOnce({}).resolves({ Item: claimItem(claimed) });
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});

    await expect(store().resume(identity)).resolves.toBeUndefined();
    await expect(store().resume(identity)).resolves.toEqual(claimed);
    expect(putKeys()).toEqual(['ledger/000000000042.json']);
  });

  test('readEntry: a missing seq is undefined', async () => {
    s3.on(GetObjectCommand).rejects(noSuchKey());
    await expect(store().readEntry(7)).resolves.toBeUndefined();
  });
});
