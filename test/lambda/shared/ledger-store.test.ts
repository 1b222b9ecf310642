import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, ResourceNotFoundException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Body } from '../../support/s3-body';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  GENESIS_HASH,
  headOf,
  LedgerEntryError,
  nextEntry,
  verifyChain,
  type LedgerEntry,
  type LedgerHead,
} from '../../../lambda/core/ledger';
import {
  LEDGER_HEAD_KEY,
  LedgerContentionError,
  LedgerHeadLagError,
  LedgerIntegrityError,
  LedgerStore,
} from '../../../lambda/shared/ledger-store';
import { declarationBody, receiptBody } from '../../support/ledger-fixtures';

const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);

const HEAD_41: LedgerHead = { seq: 41, hash: '41'.repeat(32) };

function headItem(head: LedgerHead): { Item: Record<string, { S: string } | { N: string }> } {
  return { Item: { ...LEDGER_HEAD_KEY, seq: { N: String(head.seq) }, hash: { S: head.hash } } };
}

/** An entry's object body, in the canonical form the store writes. */
function objectBody(entry: LedgerEntry): GetObjectCommandOutput['Body'] {
  return s3Body(canonicalJson(entry));
}

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

const preconditionFailed = (): S3ServiceException => s3Error('PreconditionFailed', 412);
const conditionalCheckFailed = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

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

function putKeys(): (string | undefined)[] {
  return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
}

function headUpdates(): { from: string | undefined; to: string | undefined; condition: string | undefined }[] {
  return dynamodb.commandCalls(UpdateItemCommand).map((call) => {
    const input = call.args[0].input;
    return { from: input.ExpressionAttributeValues?.[':prevSeq']?.N, to: input.ExpressionAttributeValues?.[':seq']?.N, condition: input.ConditionExpression };
  });
}

beforeEach(() => {
  s3.reset();
  dynamodb.reset();
  delays.length = 0;
});

describe('LedgerStore.append', () => {
  test('starts the chain: genesis entry under seq 1, put only if absent, head created only if absent', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});

    const entry = await store().append(declarationBody(1));

    expect(entry).toMatchObject({ kind: 'declaration', seq: 1, prevHash: GENESIS_HASH });
    expect(dynamodb.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({ TableName: 'ledger-head', Key: LEDGER_HEAD_KEY, ConsistentRead: true });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    const text = canonicalJson(entry);
    expect(put).toEqual({
      Bucket: 'ledger-bucket',
      Key: 'ledger/000000000001.json',
      Body: text,
      ContentType: 'application/json',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: createHash('sha256').update(text).digest('base64'),
    });
    const update = dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      TableName: 'ledger-head',
      Key: LEDGER_HEAD_KEY,
      ConditionExpression: 'attribute_not_exists(#seq)',
      ExpressionAttributeValues: { ':seq': { N: '1' }, ':hash': { S: entry.hash }, ':objectKey': { S: 'ledger/000000000001.json' } },
    });
  });

  test('appends after the head: next seq, linked to the head hash, head moved only if still at the predecessor', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});

    const declaration = nextEntry(undefined, declarationBody(1));
    const entry = await store().append(receiptBody(declaration));

    expect(entry).toMatchObject({ kind: 'receipt', seq: 42, prevHash: HEAD_41.hash });
    expect(putKeys()).toEqual(['ledger/000000000042.json']);
    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#seq = :prevSeq AND #hash = :prevHash',
      ExpressionAttributeValues: { ':prevSeq': { N: '41' }, ':prevHash': { S: HEAD_41.hash }, ':seq': { N: '42' } },
    });
    expect(delays).toEqual([]);
  });

  test('loses a race for seq 42, then appends at 43 after the winner', async () => {
    const winner = nextEntry(HEAD_41, declarationBody(7));
    dynamodb.on(GetItemCommand).resolvesOnce(headItem(HEAD_41)).resolves(headItem(headOf(winner)));
    s3.on(PutObjectCommand).rejectsOnce(preconditionFailed()).resolves({});
    s3.on(GetObjectCommand, { Key: 'ledger/000000000042.json' }).resolves({ Body: objectBody(winner) });
    // The winner advances the head itself before our repair can.
    dynamodb.on(UpdateItemCommand).rejectsOnce(conditionalCheckFailed()).resolves({});

    const entry = await store().append(declarationBody(8));

    expect(entry).toMatchObject({ seq: 43, prevHash: winner.hash });
    expect(putKeys()).toEqual(['ledger/000000000042.json', 'ledger/000000000043.json']);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[0]).toBeLessThanOrEqual(25);
  });

  test('repairs a head left behind by a writer that crashed after its put', async () => {
    const orphan = nextEntry(HEAD_41, declarationBody(7));
    dynamodb.on(GetItemCommand).resolvesOnce(headItem(HEAD_41)).resolves(headItem(headOf(orphan)));
    s3.on(PutObjectCommand).rejectsOnce(preconditionFailed()).resolves({});
    s3.on(GetObjectCommand).resolves({ Body: objectBody(orphan) });
    dynamodb.on(UpdateItemCommand).resolves({});

    const entry = await store().append(declarationBody(8));

    expect(headUpdates()).toEqual([
      { from: '41', to: '42', condition: '#seq = :prevSeq AND #hash = :prevHash' },
      { from: '42', to: '43', condition: '#seq = :prevSeq AND #hash = :prevHash' },
    ]);
    expect(dynamodb.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':hash']).toEqual({ S: orphan.hash });
    expect(entry).toMatchObject({ seq: 43, prevHash: orphan.hash });
  });

  test('recognizes its own put whose response was lost, and does not append it twice', async () => {
    const body = declarationBody(8);
    const ours = nextEntry(HEAD_41, body);
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({ Body: objectBody(ours) });
    dynamodb.on(UpdateItemCommand).resolves({});

    expect(await store().append(body)).toEqual(ours);
    expect(putKeys()).toEqual(['ledger/000000000042.json']);
    expect(headUpdates()).toEqual([{ from: '41', to: '42', condition: '#seq = :prevSeq AND #hash = :prevHash' }]);
  });

  test('gives up after maxAttempts with a clear error, having waited a bounded random time between attempts', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));

    await expect(store(3).append(declarationBody(8))).rejects.toThrow(
      new LedgerContentionError(3, 41),
    );
    expect(putKeys()).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeLessThanOrEqual(50);
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  test('refuses to move the head onto an object that does not link to it', async () => {
    const stranger = nextEntry({ seq: 41, hash: 'ff'.repeat(32) }, declarationBody(7));
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).resolves({ Body: objectBody(stranger) });

    const append = store().append(declarationBody(8));
    await expect(append).rejects.toThrow(LedgerIntegrityError);
    await expect(append).rejects.toThrow(/ledger\/000000000042.json exists but does not follow the head \(seq 41\): broken link/);
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  test('reports an entry that is written when the head could not be moved, so the caller does not write it again', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));

    const error: unknown = await store().append(declarationBody(8)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LedgerHeadLagError);
    expect((error as LedgerHeadLagError).entry).toMatchObject({ seq: 42 });
    expect((error as LedgerHeadLagError).message).toMatch(/seq 42 is written but the head was not advanced: Requested resource not found/);
  });

  test('treats a head already moved to its entry by another writer as success', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    s3.on(PutObjectCommand).resolves({});
    dynamodb.on(UpdateItemCommand).rejects(conditionalCheckFailed());

    expect(await store().append(declarationBody(8))).toMatchObject({ seq: 42 });
    expect(putKeys()).toHaveLength(1);
  });

  test('refuses a malformed body before touching AWS', async () => {
    await expect(store().append(declarationBody(8, { safetyNetRedactions: -1 }))).rejects.toThrow(
      new LedgerEntryError('ledger entry refused: safetyNetRedactions: must not be negative'),
    );
    expect(dynamodb.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  test('stops on a malformed head item rather than guessing where the chain ends', async () => {
    dynamodb.on(GetItemCommand).resolves({ Item: { ...LEDGER_HEAD_KEY, seq: { N: '41' } } });
    await expect(store().append(declarationBody(8))).rejects.toThrow(/head item in ledger-head is malformed/);
    expect(s3.calls()).toHaveLength(0);
  });

  test('rethrows S3 failures other than a taken seq', async () => {
    dynamodb.on(GetItemCommand).resolves(headItem(HEAD_41));
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store().append(declarationBody(8))).rejects.toThrow('AccessDenied');
    expect(putKeys()).toHaveLength(1);
  });
});

test('LedgerStore refuses a maxAttempts that would never try', () => {
  expect(() => store(0)).toThrow('LedgerStore: maxAttempts: got 0; expected a whole number of at least 1');
});

describe('LedgerStore under concurrent writers', () => {
  /** S3 and DynamoDB as far as the store relies on them: a put-if-absent bucket and a conditional head item. */
  /**
   * S3 and DynamoDB as far as the store relies on them: a put-if-absent bucket and a conditional
   * head item. Every third head update is lost, as when a writer dies between its put and its head
   * update, so later writers must repair the head.
   */
  function fakeAws(): { objects: Map<string, string>; lostHeadUpdates: () => number } {
    const objects = new Map<string, string>();
    let head: LedgerHead | undefined;
    let headUpdates = 0;
    let lost = 0;
    s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: string }) => {
      if (objects.has(input.Key)) throw preconditionFailed();
      objects.set(input.Key, input.Body);
      return {};
    });
    s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
      const text = objects.get(input.Key);
      if (text === undefined) throw s3Error('NoSuchKey', 404);
      return { Body: objectBody(JSON.parse(text) as LedgerEntry) };
    });
    dynamodb.on(GetItemCommand).callsFake(async () => (head === undefined ? {} : headItem(head)));
    dynamodb.on(UpdateItemCommand).callsFake(async (input: { ExpressionAttributeValues: Record<string, { N?: string; S?: string }> }) => {
      const values = input.ExpressionAttributeValues;
      const prevSeq = values[':prevSeq']?.N;
      const matches = prevSeq === undefined ? head === undefined : head?.seq === Number(prevSeq) && head.hash === values[':prevHash']?.S;
      if (!matches) throw conditionalCheckFailed();
      headUpdates += 1;
      if (headUpdates % 3 === 0) {
        lost += 1;
        return {};
      }
      head = { seq: Number(values[':seq']?.N), hash: String(values[':hash']?.S) };
      return {};
    });
    return { objects, lostHeadUpdates: () => lost };
  }

  test('twenty concurrent appends, with head updates lost after puts, leave one gap-free chain that verifies', async () => {
    const { objects, lostHeadUpdates } = fakeAws();
    const ledger = new LedgerStore({
      s3: new S3Client({ region: 'cn-north-1' }),
      dynamodb: new DynamoDBClient({ region: 'cn-north-1' }),
      bucket: 'ledger-bucket',
      headTable: 'ledger-head',
      maxAttempts: 100,
      sleep: () => new Promise((resolve) => setImmediate(resolve)),
    });
    const bodies = Array.from({ length: 20 }, (_, i) => declarationBody(i + 1));
    const results = await Promise.all(bodies.map((body) => ledger.append(body)));

    const stored = [...objects.keys()].sort().map((key) => JSON.parse(objects.get(key) as string) as unknown);
    expect(verifyChain(stored)).toMatchObject({ ok: true, count: 20 });
    expect(results.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(results.map((entry) => entry.idempotencyKey))).toEqual(new Set(bodies.map((body) => body.idempotencyKey)));
    expect(lostHeadUpdates()).toBeGreaterThan(0);
  });
});
