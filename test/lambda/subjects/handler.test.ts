import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { verifyChain } from '../../../lambda/core/ledger';
import { tokenize, tokenKeyFromBytes } from '../../../lambda/core/tokens';
import { memoryBuckets } from '../incidents/memory-bucket';

const s3 = memoryBuckets();
const kms = mockClient(KMSClient);
const dynamodb = mockClient(DynamoDBClient);
const MAC = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
const KEY = tokenKeyFromBytes(MAC);
const TOKEN = tokenize(KEY, 'cn_mobile', '13800138000');
const context = { functionName: 'subjects', awsRequestId: 'r' } as unknown as Context;
const LIST = 'subjects/suppression-list.json';

async function loadHandler() {
  Object.assign(process.env, {
    LIST_BUCKET: 'c1',
    LIST_KEY: LIST,
    OUTBOUND_BUCKET: 'outbound',
    OUTBOUND_PREFIX: 'outbound/',
    RULE_RECIPIENTS: JSON.stringify([
      { region: 'ap-southeast-1', country: 'SG', recipient: 'SG Co' },
      { region: 'us-east-1', country: 'US', recipient: 'US Co' },
    ]),
    RULE_FIELDS: JSON.stringify([{ 'payer.mobile': 'token' }]),
    TOKEN_KEY_ID: 'arn:aws-cn:kms:cn-north-1:111122223333:key/token',
    LEDGER_BUCKET: 'ledger',
    LEDGER_HEAD_TABLE: 'head',
  });
  return (await import('../../../lambda/subjects/handler')).handler;
}

/** The ledger head as a DynamoDB item that follows what was written. */
function trackHead() {
  let head: { seq: number; hash: string } | undefined;
  dynamodb.on(GetItemCommand).callsFake(() => ({ Item: head ? { seq: { N: String(head.seq) }, hash: { S: head.hash } } : undefined }));
  dynamodb.on(UpdateItemCommand).callsFake((input) => {
    head = { seq: Number(input.ExpressionAttributeValues[':seq'].N), hash: input.ExpressionAttributeValues[':hash'].S };
    return {};
  });
}

function ledgerEntries() {
  const objects = s3.objects('ledger', 'ledger/');
  return Object.keys(objects)
    .sort()
    .map((k) => JSON.parse(objects[k]));
}

const listEvent = (versionId: string) => ({ 'detail-type': 'Object Created', detail: { bucket: { name: 'c1' }, object: { key: LIST, 'version-id': versionId } } });

beforeEach(() => {
  s3.reset();
  kms.reset();
  dynamodb.reset();
  trackHead();
  kms.on(GenerateMacCommand).resolves({ Mac: MAC });
});

describe('subject-requests handler', () => {
  test('each change of the list is declared, then a notice per region goes out under the outbound prefix with the entry\'s seq', async () => {
    const handler = await loadHandler();
    const v1 = s3.put('c1', LIST, JSON.stringify({ version: 1, entries: [{ token: TOKEN, reason: 'opt-out-sale-sharing', since: '2026-06-01' }] }));
    expect((await handler(listEvent(v1), context)).outcomes).toEqual([{ result: 'declared', seq: 1, change: 'added', notices: 2 }]);
    const [entry] = ledgerEntries();
    expect(entry).toMatchObject({ kind: 'suppression', change: 'added', token: TOKEN, listVersion: 1, recipients: [{ recipient: 'SG Co' }, { recipient: 'US Co' }] });
    const notices = s3.objects('outbound', 'outbound/');
    expect(Object.keys(notices)).toEqual(entry.notices.map((n: { key: string }) => n.key));
    const stored = s3.versions('outbound', entry.notices[0].key)[0];
    expect(stored.metadata).toMatchObject({ 'declaration-seq': '1', 'declaration-hash': entry.hash });
    expect(JSON.stringify(notices)).not.toContain('13800138000');

    const v2 = s3.put('c1', LIST, JSON.stringify({ version: 2, entries: [] }));
    expect((await handler(listEvent(v2), context)).outcomes).toEqual([{ result: 'declared', seq: 2, change: 'removed', notices: 2 }]);
    expect(verifyChain(ledgerEntries()).ok).toBe(true);
  });

  test('a list version that does not follow the previous one is refused before anything is declared', async () => {
    const handler = await loadHandler();
    s3.put('c1', LIST, JSON.stringify({ version: 5, entries: [] }));
    const v = s3.put('c1', LIST, JSON.stringify({ version: 5, entries: [{ token: TOKEN, reason: 'erasure', since: '2026-06-01' }] }));
    await expect(handler(listEvent(v), context)).rejects.toThrow(/does not follow/);
    expect(ledgerEntries()).toEqual([]);
  });

  test('erase: records removed from every version of the home store objects, the rest kept, and an erasure entry recorded', async () => {
    const handler = await loadHandler();
    const key = 'raw/source=pos/date=2026-06-01/a.jsonl';
    s3.put('c2', key, '{"payer":{"mobile":"13800138000"}}\n');
    s3.put('c2', key, '{"payer":{"mobile":"+86 138 0013 8000"}}\n{"payer":{"mobile":"13912345678"}}\n');
    const only = 'raw/source=pos/date=2026-06-02/b.jsonl';
    s3.put('c2', only, '{"memo":"call 13800138000"}\n');
    const plan = {
      kind: 'erasure-plan',
      createdAt: '2026-06-03T00:00:00.000Z',
      tokens: [TOKEN],
      objects: [
        { bucket: 'c2', key, action: 'rewrite', recordsRemoved: 1, versions: [] },
        { bucket: 'c2', key: only, action: 'delete', recordsRemoved: 1, versions: [] },
      ],
    };
    const { outcomes } = await handler({ action: 'erase', plan }, context);
    expect(outcomes[0]).toMatchObject({ result: 'erased', stores: [{ bucket: 'c2', objectsRewritten: 1, objectsDeleted: 1, versionsDeleted: 3, recordsRemoved: 2 }] });
    expect(s3.versions('c2', key).map((v) => v.body)).toEqual(['{"payer":{"mobile":"13912345678"}}\n']);
    expect(s3.versions('c2', only)).toEqual([]);
    expect(ledgerEntries()[0]).toMatchObject({ kind: 'erasure', token: TOKEN, stores: [{ versionsDeleted: 3 }] });
  });
});
