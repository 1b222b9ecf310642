/**
 * DynamoDB as far as the ledger head and claims, the headcount store, the push attempt counter and
 * Powertools' idempotency persistence rely on it: GetItem (consistent), conditional PutItem /
 * UpdateItem / DeleteItem with `ReturnValuesOnConditionCheckFailure`, and TransactWriteItems that
 * apply all or nothing. Every write is atomic (the fake runs one command at a time).
 */
import { ConditionalCheckFailedException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { applyUpdate, evaluateCondition, type ExpressionContext, type Item } from './dynamodb-expressions';

interface Table {
  readonly keys: readonly string[];
  readonly items: Map<string, Item>;
}

type Input = Record<string, unknown>;

function contextOf(input: Input): ExpressionContext {
  return {
    names: input.ExpressionAttributeNames as Record<string, string> | undefined,
    values: input.ExpressionAttributeValues as Record<string, AttributeValue> | undefined,
  };
}

function conditionFailed(old: Item | undefined, input: Input): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old !== undefined ? { Item: structuredClone(old) } : {}),
  });
}

export class FakeDynamoDB {
  private readonly tables = new Map<string, Table>();

  createTable(name: string, keys: readonly string[]): void {
    this.tables.set(name, { keys, items: new Map() });
  }

  /** A copy of every item of a table. */
  items(name: string): Item[] {
    return [...this.table(name).items.values()].map((item) => structuredClone(item));
  }

  get(name: string, key: Item): Item | undefined {
    const item = this.table(name).items.get(this.keyOf(name, key));
    return item === undefined ? undefined : structuredClone(item);
  }

  execute(command: string, input: Input): unknown {
    switch (command) {
      case 'GetItemCommand': {
        const item = this.get(String(input.TableName), input.Key as Item);
        return { ...(item === undefined ? {} : { Item: item }), $metadata: { httpStatusCode: 200 } };
      }
      case 'PutItemCommand':
        return this.putItem(input);
      case 'UpdateItemCommand':
        return this.updateItem(input);
      case 'DeleteItemCommand':
        return this.deleteItem(input);
      case 'TransactWriteItemsCommand':
        return this.transact(input);
      default:
        throw new Error(`fake DynamoDB: ${command} is not modelled`);
    }
  }

  private table(name: string): Table {
    const table = this.tables.get(name);
    if (table === undefined) throw new Error(`fake DynamoDB: no table ${name}`);
    return table;
  }

  private keyOf(tableName: string, item: Item): string {
    const table = this.table(tableName);
    return JSON.stringify(
      table.keys.map((name) => {
        const value = item[name];
        if (value?.S === undefined && value?.N === undefined) throw new Error(`fake DynamoDB: ${tableName} item lacks key attribute ${name}`);
        return value;
      }),
    );
  }

  private check(input: Input, old: Item | undefined): void {
    const expression = input.ConditionExpression as string | undefined;
    if (expression !== undefined && !evaluateCondition(expression, old, contextOf(input))) throw conditionFailed(old, input);
  }

  private putItem(input: Input): unknown {
    const tableName = String(input.TableName);
    const item = input.Item as Item;
    const key = this.keyOf(tableName, item);
    const table = this.table(tableName);
    this.check(input, table.items.get(key));
    table.items.set(key, structuredClone(item));
    return { $metadata: { httpStatusCode: 200 } };
  }

  private updateItem(input: Input): unknown {
    const tableName = String(input.TableName);
    const keyItem = input.Key as Item;
    const key = this.keyOf(tableName, keyItem);
    const table = this.table(tableName);
    const old = table.items.get(key);
    this.check(input, old);
    const updated = applyUpdate(String(input.UpdateExpression), old ?? structuredClone(keyItem), contextOf(input));
    table.items.set(key, updated);
    const returned = input.ReturnValues === 'UPDATED_NEW' || input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(updated) } : {};
    return { ...returned, $metadata: { httpStatusCode: 200 } };
  }

  private deleteItem(input: Input): unknown {
    const tableName = String(input.TableName);
    const key = this.keyOf(tableName, input.Key as Item);
    const table = this.table(tableName);
    this.check(input, table.items.get(key));
    table.items.delete(key);
    return { $metadata: { httpStatusCode: 200 } };
  }

  /** All conditions first, then all writes: nothing is applied when one condition fails. */
  private transact(input: Input): unknown {
    const actions = input.TransactItems as Array<{ Put?: Input; Update?: Input; ConditionCheck?: Input; Delete?: Input }>;
    const reasons = actions.map((action) => {
      const [kind, body] = Object.entries(action)[0] as [string, Input];
      const tableName = String(body.TableName);
      const key = this.keyOf(tableName, (kind === 'Put' ? body.Item : body.Key) as Item);
      const old = this.table(tableName).items.get(key);
      const expression = body.ConditionExpression as string | undefined;
      return expression === undefined || evaluateCondition(expression, old, contextOf(body)) ? 'None' : 'ConditionalCheckFailed';
    });
    if (reasons.some((code) => code !== 'None')) {
      throw new TransactionCanceledException({
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(', ')}]`,
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: reasons.map((Code) => ({ Code })),
      });
    }
    for (const action of actions) {
      if (action.Put) this.putItem({ ...action.Put, ConditionExpression: undefined });
      if (action.Update) this.updateItem({ ...action.Update, ConditionExpression: undefined });
      if (action.Delete) this.deleteItem({ ...action.Delete, ConditionExpression: undefined });
    }
    return { $metadata: { httpStatusCode: 200 } };
  }
}
