import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';

/**
 * Invocations of the delivery function per push event: the first and the two asynchronous retries
 * Lambda makes (the construct configures the function's retry attempts from this).
 */
export const PUSH_ATTEMPTS = 3;

/**
 * Counts failed push attempts per delivery, so the last one can record the final `failed` state
 * instead of another `retrying`. A lost response may count an attempt twice, which can only make
 * the function give up one attempt early: it never makes a receipt untrue (a `failed` receipt is
 * written only after S3 confirmed the object is absent at the destination).
 */
export class AttemptCounter {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly table: string,
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  /** Counts one more failed attempt and returns how many there have been. */
  async failed(delivery: string, now: Date = new Date()): Promise<number> {
    const result = await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { id: { S: `delivery-attempts#${createHash('sha256').update(delivery).digest('hex')}` } },
        UpdateExpression: 'ADD #attempts :one SET #expiration = :expiration',
        ExpressionAttributeNames: { '#attempts': 'attempts', '#expiration': 'expiration' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':expiration': { N: String(Math.floor(now.getTime() / 1000) + this.ttlSeconds) } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const attempts = Number(result.Attributes?.attempts?.N);
    if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`attempt counter of ${delivery} returned ${result.Attributes?.attempts?.N}`);
    return attempts;
  }
}
