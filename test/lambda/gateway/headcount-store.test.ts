import { DynamoDBClient, GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { HeadcountStore, TOTAL_ITEM } from '../../../lambda/gateway/headcount-store';

const dynamodb = mockClient(DynamoDBClient);
beforeEach(() => dynamodb.reset());

describe('HeadcountStore', () => {
  test('each new token is one transaction: the token item and the counter move together', async () => {
    dynamodb.on(TransactWriteItemsCommand).resolves({});
    dynamodb.on(GetItemCommand).resolves({ Item: { distinctSubjects: { N: '2' } } });
    const total = await new HeadcountStore(new DynamoDBClient({}), 'heads').record({
      exporter: 'acct/cn-north-1',
      year: 2026,
      kind: 'sensitive',
      tokens: ['tok_a', 'tok_b', 'tok_a'],
    });
    expect(total).toBe(2);
    const transactions = dynamodb.commandCalls(TransactWriteItemsCommand).map((c) => c.args[0].input.TransactItems!);
    expect(transactions).toHaveLength(2); // duplicates within a batch are collapsed before writing
    for (const items of transactions) {
      expect(items[0].Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(sk)', Item: { pk: { S: 'acct/cn-north-1#2026#sensitive' } } });
      expect(items[1].Update).toMatchObject({ Key: { sk: { S: TOTAL_ITEM } }, UpdateExpression: 'ADD distinctSubjects :one' });
    }
    expect(dynamodb.commandCalls(GetItemCommand)[0].args[0].input.ConsistentRead).toBe(true);
  });

  test('a token seen before is not counted again', async () => {
    dynamodb.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }),
    );
    dynamodb.on(GetItemCommand).resolves({ Item: { distinctSubjects: { N: '41' } } });
    const total = await new HeadcountStore(new DynamoDBClient({}), 'heads').record({ exporter: 'e', year: 2026, kind: 'personal', tokens: ['tok_old'] });
    expect(total).toBe(41);
  });

  test('any other failure is raised, never swallowed (an undercount would hide a threshold)', async () => {
    dynamodb.on(TransactWriteItemsCommand).rejects(new Error('throttled'));
    await expect(new HeadcountStore(new DynamoDBClient({}), 'heads').record({ exporter: 'e', year: 2026, kind: 'personal', tokens: ['t'] })).rejects.toThrow(
      'throttled',
    );
  });
});
