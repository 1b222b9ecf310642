/**
 * Receipts over the real ledger store and a faithful fake of S3 and DynamoDB (the fault-injection
 * suite's): what each sequence of reports about one delivery leaves in the ledger.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { canonicalJson, type DeclarationEntry, type LedgerEntry, type ReceiptStatus } from '../../../lambda/core/ledger';
import type { BoundDestination } from '../../../lambda/delivery/destinations';
import { declarationFor, recordDelivery, UndeclaredOutputError } from '../../../lambda/delivery/receipts';
import { LedgerStore } from '../../../lambda/shared/ledger-store';
import { releaseMetadata } from '../../../lambda/shared/released-output';
import { FakeAws, interceptSdk } from '../../fault-injection/support/fake-aws';
import { declarationBody } from '../../support/ledger-fixtures';

let aws: FakeAws;
let restore: () => void;
beforeAll(() => {
  restore = interceptSdk(() => aws);
});
afterAll(() => restore());

const DESTINATION: BoundDestination = { region: 'ap-southeast-1', bucket: 'landing', method: 's3-replication' };
let ledger: LedgerStore;
let declaration: DeclarationEntry;

beforeEach(async () => {
  aws = new FakeAws();
  aws.s3.createBucket('ledger', { writeOncePrefix: 'ledger/' });
  aws.dynamodb.createTable('head', ['pk', 'sk']);
  ledger = new LedgerStore({ s3: new S3Client({}), dynamodb: new DynamoDBClient({}), bucket: 'ledger', headTable: 'head', sleep: async () => undefined });
  declaration = (await ledger.appendOnce(declarationBody(1))).entry;
});

const entries = (): LedgerEntry[] => aws.s3.list('ledger', 'ledger/').map(({ version }) => JSON.parse(version.body.toString('utf8')) as LedgerEntry);
const summary = () => entries().slice(1).map((e) => (e.kind === 'notice' ? `notice ${e.disposition} ${e.reported}` : `${e.kind} ${e.kind === 'receipt' ? e.status : ''}`));

function report(status: ReceiptStatus, notification: string) {
  return recordDelivery(ledger, {
    declaration,
    destination: DESTINATION,
    key: declaration.output.key,
    status,
    attempts: 1,
    ...(status === 'delivered' ? {} : { error: 'S3 replication reported OperationFailedReplication' }),
    notification,
  });
}

describe('recordDelivery', () => {
  test.each<[string, [ReceiptStatus, string][], string[]]>([
    ['one completion', [['delivered', 'n1']], ['receipt delivered']],
    ['the same notification twice (a redelivered message, a Lambda retry)', [['delivered', 'n1'], ['delivered', 'n1']], ['receipt delivered']],
    ['a late failure after the completion', [['delivered', 'n1'], ['failed', 'n2']], ['receipt delivered', 'notice late failed']],
    ['a second, different report of the completion', [['delivered', 'n1'], ['delivered', 'n2']], ['receipt delivered', 'notice duplicate delivered']],
    ['the late failure redelivered', [['delivered', 'n1'], ['failed', 'n2'], ['failed', 'n2']], ['receipt delivered', 'notice late failed']],
    ['a completion after the delivery was given up', [['failed', 'n1'], ['delivered', 'n2']], ['receipt failed', 'notice late delivered']],
    ['failed attempts, then the completion', [['retrying', 'a1'], ['retrying', 'a1'], ['retrying', 'a2'], ['delivered', 'n']], ['receipt retrying', 'receipt retrying', 'receipt delivered']],
    ['an interim report after the final state', [['delivered', 'n1'], ['retrying', 'a9']], ['receipt delivered', 'notice late retrying']],
  ])('%s', async (_what, reports, expected) => {
    for (const [status, notification] of reports) await report(status, notification);
    expect(summary()).toEqual(expected);
  });

  test('a notice names the final receipt it leaves standing', async () => {
    const final = await report('delivered', 'n1');
    const late = await report('failed', 'n2');
    expect(late).toMatchObject({ kind: 'notice', final: { seq: final.entry.seq }, entry: { receiptSeq: final.entry.seq, receiptHash: final.entry.hash } });
  });
});

describe('declarationFor', () => {
  test('finds the declaration an outbound object names, in the ledger', async () => {
    const metadata = releaseMetadata('sg-settlement@3', declaration, declaration.output.sha256);
    await expect(declarationFor(ledger, { key: declaration.output.key, metadata, sha256: declaration.output.sha256 })).resolves.toEqual(declaration);
  });

  test.each<[string, () => { key: string; metadata: Record<string, string> | undefined; sha256?: string }, RegExp]>([
    ['no declaration metadata', () => ({ key: declaration.output.key, metadata: {} }), /refusing to deliver undeclared data/],
    ['a seq the ledger does not have', () => ({ key: declaration.output.key, metadata: releaseMetadata('r', { seq: 9, hash: declaration.hash }, '') }), /the ledger has no seq 9/],
    ['another hash', () => ({ key: declaration.output.key, metadata: releaseMetadata('r', { seq: 1, hash: 'e'.repeat(64) }, '') }), /seq 1 is not the declaration it names/],
    ['a declaration of another key', () => ({ key: 'outbound/elsewhere.jsonl', metadata: releaseMetadata('r', declaration, '') }), /declaration seq 1 declares another output/],
    ['other bytes', () => ({ key: declaration.output.key, metadata: releaseMetadata('r', declaration, ''), sha256: 'f'.repeat(64) }), /its content is not what declaration seq 1 declared/],
  ])('refuses an object with %s', async (_what, object, message) => {
    const found = declarationFor(ledger, object());
    await expect(found).rejects.toThrow(message);
    if (!/undeclared data/.test(String(message))) await expect(found).rejects.toBeInstanceOf(UndeclaredOutputError);
  });
});

test('the fixture ledger is canonical (the fake stores what the store wrote)', () => {
  expect(aws.s3.list('ledger', 'ledger/')[0]?.version.body.toString('utf8')).toBe(canonicalJson(declaration));
});
