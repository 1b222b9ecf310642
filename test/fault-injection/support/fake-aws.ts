/**
 * The AWS a Lambda invocation sees, with faults. Every SDK call of the code under test (`send` on
 * S3, DynamoDB, KMS, Secrets Manager and Step Functions clients, including the ones Powertools creates) goes through
 * `dispatch`, which knows which invocation made it (AsyncLocalStorage) and may inject a fault:
 *   - `error`: the call fails before it takes effect (a 5xx, throttling past the SDK's retries);
 *   - `lost`:  the call takes effect, then its response is lost (a timeout after the write);
 *   - `crash`: the call takes effect, then the process dies: the invocation's later calls fail
 *              without effect, its catch and finally blocks achieve nothing, and the invocation
 *              counts as failed whatever it returns (a timeout, an out-of-memory kill).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { FakeDynamoDB } from './fake-dynamodb';
import { FakeS3 } from './fake-s3';
import { FakeStepFunctions } from './fake-sfn';

export type FaultKind = 'error' | 'lost' | 'crash';
export const FAULT_KINDS: readonly FaultKind[] = ['error', 'lost', 'crash'];

export interface Call {
  /** Index of the call within its invocation, from 0. */
  readonly index: number;
  readonly invocation: Invocation;
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** Decides the fault of a call, if any. */
export type FaultPlan = (call: Call) => FaultKind | undefined;

export class Invocation {
  public calls = 0;
  public crashed = false;
  public readonly log: string[] = [];
  constructor(
    public readonly name: string,
    public readonly plan: FaultPlan | undefined,
  ) {}
}

/** What a call of a crashed process gets: it never reaches AWS. */
export class ProcessCrashed extends Error {
  constructor(invocation: string) {
    super(`${invocation}: the process crashed`);
    this.name = 'ProcessCrashed';
  }
}

function transientError(command: string): Error {
  return Object.assign(new Error(`${command}: service unavailable (injected, before the effect)`), {
    name: 'ServiceUnavailable',
    $fault: 'server',
    $metadata: { httpStatusCode: 503 },
  });
}

function lostResponse(command: string): Error {
  return Object.assign(new Error(`${command}: socket timed out after the request was sent (injected, after the effect)`), {
    name: 'TimeoutError',
    $metadata: {},
  });
}

/** A short description of a call, to name it in a failing scenario. */
export function describeCall(command: string, input: Record<string, unknown>): string {
  const target = input.Key !== undefined && typeof input.Key === 'string' ? `${String(input.Bucket)}/${input.Key}` : String(input.TableName ?? input.Bucket ?? input.KeyId ?? input.SecretId ?? '');
  return `${command.replace(/Command$/, '')} ${target}`;
}

const invocations = new AsyncLocalStorage<Invocation>();

/**
 * Routes every client's `send` (of any instance, made before or after) to the fake `active()`
 * returns; returns the function that restores the real clients.
 */
export function interceptSdk(active: () => FakeAws): () => void {
  const spies = [S3Client, DynamoDBClient, KMSClient, SecretsManagerClient, SFNClient].map((client) =>
    jest
      .spyOn(client.prototype, 'send')
      .mockImplementation(((command: { constructor: { name: string }; input: Record<string, unknown> }) =>
        active().dispatch(command.constructor.name, command.input)) as never),
  );
  return () => {
    for (const spy of spies) spy.mockRestore();
  };
}

export class FakeAws {
  public readonly s3 = new FakeS3();
  public readonly dynamodb = new FakeDynamoDB();
  public readonly sfn = new FakeStepFunctions();
  /** Every call made, in order. */
  public readonly calls: string[] = [];

  /** Runs `fn` as one invocation: its calls are attributed to it and faulted by its plan. */
  run<T>(invocation: Invocation, fn: () => Promise<T>): Promise<T> {
    return invocations.run(invocation, fn);
  }

  async dispatch(command: string, input: Record<string, unknown>): Promise<unknown> {
    // Let concurrent invocations interleave between calls, as real network calls would.
    await Promise.resolve();
    const invocation = invocations.getStore();
    if (invocation?.crashed) throw new ProcessCrashed(invocation.name);
    const index = invocation === undefined ? -1 : invocation.calls++;
    const description = describeCall(command, input);
    this.calls.push(`${invocation?.name ?? 'world'} ${description}`);
    invocation?.log.push(description);
    const fault = invocation?.plan?.({ index, invocation, command, input });
    if (fault === 'error') throw transientError(command);
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: this.execute(command, input) };
    } catch (error) {
      outcome = { ok: false, error }; // a refusal (412, conditional check) is a response too: it can be lost
    }
    if (fault === 'lost') throw lostResponse(command);
    if (fault === 'crash' && invocation !== undefined) {
      invocation.crashed = true;
      throw new ProcessCrashed(invocation.name);
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private execute(command: string, input: Record<string, unknown>): unknown {
    if (command === 'GenerateMacCommand') {
      const message = input.Message as Uint8Array;
      return { Mac: new Uint8Array(createHmac('sha256', 'fake-kms-hmac-key').update(message).digest()), $metadata: {} };
    }
    if (command === 'GetSecretValueCommand') {
      return { SecretString: JSON.stringify({ userName: 'paydata-delivery', accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret' }), $metadata: {} };
    }
    if (/^(Put|Get|Update|Delete)Item|TransactWriteItems/.test(command)) return this.dynamodb.execute(command, input);
    if (command === 'StartExecutionCommand') return this.sfn.execute(command, input);
    return this.s3.execute(command, input);
  }
}
