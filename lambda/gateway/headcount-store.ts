import { type DynamoDBClient, GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';

/** Sort key of the per-partition counter item; tokens never start with '#'. */
export const TOTAL_ITEM = '#total';

export interface SubjectBatch {
  readonly exporter: string;
  readonly year: number;
  readonly kind: 'personal' | 'sensitive';
  readonly tokens: readonly string[];
}

/**
 * Counts distinct data subjects per exporter, year and sensitivity by their pseudonymization token
 * (never a raw identifier). Each new token is one transaction: create the (partition, token) item if
 * absent AND add one to the partition's counter, so a crash can never leave the count behind the
 * items (an undercount would hide a threshold being crossed), and a retry never counts twice.
 */
export class HeadcountStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
    private readonly parallelism = 16,
  ) {}

  /** Records the tokens and returns the distinct total of the partition afterwards. */
  public async record(batch: SubjectBatch): Promise<number> {
    const pk = `${batch.exporter}#${batch.year}#${batch.kind}`;
    const queue = [...new Set(batch.tokens)];
    const worker = async () => {
      for (let token = queue.pop(); token !== undefined; token = queue.pop()) await this.addOnce(pk, token);
    };
    await Promise.all(Array.from({ length: Math.min(this.parallelism, queue.length) }, worker));
    const total = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.table, Key: { pk: { S: pk }, sk: { S: TOTAL_ITEM } }, ConsistentRead: true }),
    );
    return Number(total.Item?.distinctSubjects?.N ?? 0);
  }

  private async addOnce(pk: string, token: string): Promise<void> {
    try {
      await this.dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: { pk: { S: pk }, sk: { S: token } }, ConditionExpression: 'attribute_not_exists(sk)' } },
            {
              Update: {
                TableName: this.table,
                Key: { pk: { S: pk }, sk: { S: TOTAL_ITEM } },
                UpdateExpression: 'ADD distinctSubjects :one',
                ExpressionAttributeValues: { ':one': { N: '1' } },
              },
            },
          ],
        }),
      );
    } catch (err) {
      // Already counted: the condition on the token item cancelled the whole transaction.
      const alreadyCounted =
        err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (!alreadyCounted) throw err;
    }
  }
}
