/**
 * One home region as the gateway and delivery functions run in it, over the fake AWS: the raw C2
 * bucket, the outbound bucket, the ledger (write-once prefix) and its head/claims table, the
 * idempotency and headcount tables, two landing buckets (one reached by the cross-partition push,
 * one by S3 replication), EventBridge events and the replication-events queue. The real handler
 * modules run against it, with Lambda's retry behaviour: a failed or crashed invocation is retried
 * after its time-out (so Powertools' in-progress record has expired), SQS redelivers the messages a
 * batch reports failed (or the whole batch when the function fails).
 */
import type { Context, S3EventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { exampleRuleJson } from '../../lambda/core/support';
import { FakeAws, type FaultPlan, Invocation } from './fake-aws';
import type { Created } from './fake-s3';

export const RAW_BUCKET = 'paydata-raw-c2';
export const OUTBOUND_BUCKET = 'paydata-outbound';
export const LEDGER_BUCKET = 'paydata-ledger';
export const HEAD_TABLE = 'ledger-head';
export const IDEMPOTENCY_TABLE = 'idempotency';
export const HEADCOUNT_TABLE = 'headcount';
export const PUSH_REGION = 'ap-southeast-1';
export const REPLICATED_REGION = 'ap-east-1';
export const LANDING = { [PUSH_REGION]: 'paydata-landing-ap-southeast-1', [REPLICATED_REGION]: 'paydata-landing-ap-east-1' } as const;
export const GATEWAY_TIMEOUT_MS = 10 * 60_000;
export const DELIVERY_TIMEOUT_MS = 5 * 60_000;
/** The replication-events queue's visibility timeout (transfer-delivery.ts). */
export const VISIBILITY_TIMEOUT_MS = 30 * 60_000;

/** Settlement to Singapore (exempt purpose, pushed) and analytics to Hong Kong (counted, replicated). */
export const RULES = [
  { ...exampleRuleJson(), id: 'sg-settlement', version: 3 },
  {
    ...exampleRuleJson(),
    id: 'hk-analytics',
    version: 2,
    destination: { region: REPLICATED_REGION, country: 'HK', recipient: 'Example Analytics (HK) Ltd.' },
    purpose: 'marketing_analytics',
    legalBasis: 'cac_standard_contract',
  },
];

/** The functions' configuration, as the constructs set it. */
export const ENVIRONMENT: Record<string, string> = {
  TRANSFER_RULES: JSON.stringify(RULES),
  RAW_PREFIX: 'raw/',
  OUTBOUND_BUCKET,
  OUTBOUND_PREFIX: 'outbound/',
  STAGING_PREFIX: 'staging/',
  QUARANTINE_PREFIX: 'quarantine/',
  LEDGER_BUCKET,
  LEDGER_HEAD_TABLE: HEAD_TABLE,
  IDEMPOTENCY_TABLE,
  HEADCOUNT_TABLE,
  TOKEN_KEY_ID: 'arn:aws-cn:kms:cn-north-1:111122223333:key/token',
  EXPORTER: '111122223333/cn-north-1',
  DESTINATIONS: JSON.stringify([
    { region: PUSH_REGION, bucket: LANDING[PUSH_REGION], method: 'cross-partition-push', credentialsSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:push' },
    { region: REPLICATED_REGION, bucket: LANDING[REPLICATED_REGION], method: 's3-replication' },
  ]),
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_NAMESPACE: 'FaultInjection',
  AWS_LAMBDA_FUNCTION_NAME: 'fault-injection',
};

type GatewayHandler = (event: unknown, context: Context) => Promise<{ results: Array<{ outcomes: Array<Record<string, unknown>> }> }>;
type DeliveryHandler = (event: unknown, context?: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | void>;

export interface Handlers {
  readonly gateway: GatewayHandler;
  readonly delivery: DeliveryHandler;
}

/** Loads the real handler modules once (their clients, caches and Powertools state live at module scope). */
export function loadHandlers(): Handlers {
  Object.assign(process.env, ENVIRONMENT);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const gateway = (require('../../../lambda/gateway/handler') as { handler: GatewayHandler }).handler;
  const delivery = (require('../../../lambda/delivery/handler') as { handler: DeliveryHandler }).handler;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { gateway, delivery };
}

export function advanceClock(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}

function contextFor(name: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'fault-injection',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:111122223333:function:fault-injection',
    memoryLimitInMB: '1024',
    awsRequestId: name,
    logGroupName: '/aws/lambda/fault-injection',
    logStreamName: name,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Run<T> {
  readonly ok: boolean;
  readonly result?: T;
  readonly error?: unknown;
  readonly invocations: number;
}

/** Retry plans: the fault plan of each invocation in turn (none for the ones past the list). */
export type RetryPlans = readonly (FaultPlan | undefined)[];

export interface Job<T> {
  readonly name: string;
  readonly fn: (context: Context) => Promise<T>;
  readonly plans: RetryPlans;
}

export interface RunOptions {
  /**
   * Invocations before the event goes to the dead-letter queue.
   * @default 3 (the first and Lambda's two asynchronous retries)
   */
  readonly maxInvocations?: number;
  /**
   * The function's time-out.
   * @default GATEWAY_TIMEOUT_MS
   */
  readonly timeoutMs?: number;
  /**
   * Time between a failed invocation and the next. A crash is taken to last until the time-out, so
   * Powertools' in-progress record has expired by the retry; a shorter delay models a process that
   * died early (out of memory) and a retrier that does not wait (Step Functions: 10 s).
   * @default timeoutMs + 1 minute
   */
  readonly retryDelayMs?: number;
}

export type GatewayResult = Awaited<ReturnType<GatewayHandler>>;

let invocationCounter = 0;

export class World {
  public readonly aws = new FakeAws();
  /** Push events for outbound objects of the pushed region, in creation order. */
  public readonly pushEvents: unknown[] = [];
  /** Outbound objects of the replicated region that S3 replication has yet to act on. */
  public readonly toReplicate: Created[] = [];
  /** Replication notifications whose messages went to the dead-letter queue (to redrive). */
  public readonly deadLetters: S3EventRecord[] = [];
  /** Every invocation run, in order (with the calls it made). */
  public readonly invocations: Invocation[] = [];
  private eventCounter = 0;

  constructor(public readonly handlers: Handlers) {
    const { s3, dynamodb } = this.aws;
    for (const bucket of [RAW_BUCKET, OUTBOUND_BUCKET, ...Object.values(LANDING)]) s3.createBucket(bucket);
    s3.createBucket(LEDGER_BUCKET, { writeOncePrefix: 'ledger/' });
    dynamodb.createTable(HEAD_TABLE, ['pk', 'sk']);
    dynamodb.createTable(HEADCOUNT_TABLE, ['pk', 'sk']);
    dynamodb.createTable(IDEMPOTENCY_TABLE, ['id']);
    s3.onCreated = (created) => this.created(created);
  }

  /** A raw record file lands; returns its live "Object Created" event. */
  putRaw(key: string, text: string): { event: unknown; versionId: string } {
    const version = this.aws.s3.write(RAW_BUCKET, key, text);
    return { event: this.objectCreated(RAW_BUCKET, key, version.versionId), versionId: version.versionId };
  }

  /** What the backfill's Distributed Map hands the gateway: keys listed under the raw prefix, no versions. */
  backfillBatch(keys?: readonly string[]): unknown {
    const listed = keys ?? this.aws.s3.list(RAW_BUCKET, 'raw/').map((object) => object.key);
    return { Items: listed.map((Key) => ({ Key })), BatchInput: { bucket: RAW_BUCKET } };
  }

  /** Runs a function as Lambda would: one invocation per plan until one succeeds, at most `maxInvocations`. */
  async lambda<T>(name: string, fn: (context: Context) => Promise<T>, plans: RetryPlans = [], options: RunOptions = {}): Promise<Run<T>> {
    return (await this.rounds([{ name, fn, plans }], options))[0] as Run<T>;
  }

  /**
   * Runs several jobs at once, as Lambda runs events that arrive together, in rounds: every pending
   * job's next invocation concurrently; then, the clock moved past the time-out (Lambda retries a
   * failed invocation after it ended, a crashed one ended at its time-out), the failed ones again.
   * The clock never jumps under an invocation in flight.
   */
  async rounds<T>(jobs: readonly Job<T>[], options: RunOptions = {}): Promise<Run<T>[]> {
    const timeoutMs = options.timeoutMs ?? GATEWAY_TIMEOUT_MS;
    const max = options.maxInvocations ?? 3;
    const runs: Run<T>[] = jobs.map(() => ({ ok: false, invocations: 0 }));
    let pending = jobs.map((_, i) => i);
    for (let attempt = 0; attempt < max && pending.length > 0; attempt++) {
      const outcomes = await Promise.all(pending.map((i) => this.invoke(jobs[i] as Job<T>, attempt, timeoutMs)));
      outcomes.forEach((outcome, k) => {
        runs[pending[k] as number] = { ...outcome, invocations: attempt + 1 };
      });
      pending = pending.filter((_, k) => !outcomes[k]?.ok);
      if (pending.length > 0) advanceClock(options.retryDelayMs ?? timeoutMs + 60_000);
    }
    return runs;
  }

  private async invoke<T>(job: Job<T>, attempt: number, timeoutMs: number): Promise<{ ok: boolean; result?: T; error?: unknown }> {
    invocationCounter += 1;
    const invocation = new Invocation(`${job.name}#${attempt + 1}(${invocationCounter})`, job.plans[attempt]);
    this.invocations.push(invocation);
    try {
      const result = await this.aws.run(invocation, () => job.fn(contextFor(invocation.name, timeoutMs)));
      return invocation.crashed ? { ok: false, error: new Error(`${invocation.name} crashed`) } : { ok: true, result };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** Runs gateway events that arrive together; `plans(i)` gives event i's fault plans. */
  gatewayAll(events: readonly unknown[], plans: (i: number) => RetryPlans = () => [], options: RunOptions = {}): Promise<Run<GatewayResult>[]> {
    return this.rounds(
      events.map((event, i) => ({ name: 'gateway', fn: (context: Context) => this.handlers.gateway(event, context), plans: plans(i) })),
      options,
    );
  }

  gateway(event: unknown, plans: RetryPlans = [], options: RunOptions = {}): Promise<Run<GatewayResult>> {
    return this.lambda('gateway', (context) => this.handlers.gateway(event, context), plans, options);
  }

  /**
   * Delivers every pending push event, each as its own asynchronous invocation with retries (all at
   * once when `concurrent`); an event whose retries are used up goes back to the queue of pending
   * events, as a redrive from the dead-letter queue would.
   */
  async push(plans: RetryPlans = [], options: RunOptions & { concurrent?: boolean } = {}): Promise<Run<unknown>[]> {
    const events = this.pushEvents.splice(0);
    const job = (event: unknown): Job<unknown> => ({ name: 'push', fn: (context) => this.handlers.delivery(event, context), plans });
    const settings = { timeoutMs: DELIVERY_TIMEOUT_MS, ...options };
    const runs: Run<unknown>[] = [];
    if (options.concurrent === true) runs.push(...(await this.rounds(events.map(job), settings)));
    else for (const event of events) runs.push(...(await this.rounds([job(event)], settings)));
    runs.forEach((run, i) => {
      if (!run.ok) this.pushEvents.push(events[i]);
    });
    return runs;
  }

  /**
   * S3 replication acts on the pending objects: `completed` copies each to the landing bucket and
   * marks it replicated, `failed` marks it failed. Returns the notification records, for the queue.
   */
  replicate(outcome: 'completed' | 'failed', options: { reportStatus?: boolean } = {}): S3EventRecord[] {
    const records = [];
    for (const created of this.toReplicate.splice(0)) {
      if (outcome === 'completed') this.aws.s3.write(LANDING[REPLICATED_REGION], created.key, created.version.body, created.version.metadata);
      if (options.reportStatus ?? true) created.version.replicationStatus = outcome === 'completed' ? 'COMPLETED' : 'FAILED';
      records.push(this.replicationRecord(created, outcome));
    }
    return records;
  }

  /** A replication notification for an object (also to forge late or duplicate ones). */
  replicationRecord(created: Created, outcome: 'completed' | 'failed'): S3EventRecord {
    this.eventCounter += 1;
    return {
      eventVersion: '2.2',
      eventSource: 'aws:s3',
      awsRegion: 'cn-north-1',
      eventTime: new Date(Date.now() + this.eventCounter).toISOString(),
      eventName: outcome === 'completed' ? 'Replication:OperationCompletedReplication' : 'Replication:OperationFailedReplication',
      userIdentity: { principalId: 's3.amazonaws.com' },
      requestParameters: { sourceIPAddress: 's3.amazonaws.com' },
      responseElements: { 'x-amz-request-id': `req-${this.eventCounter}`, 'x-amz-id-2': 'id2' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'replication',
        bucket: { name: created.bucket, ownerIdentity: { principalId: 'owner' }, arn: `arn:aws-cn:s3:::${created.bucket}` },
        object: { key: encodeURIComponent(created.key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: created.version.body.length, eTag: created.version.etag, versionId: created.version.versionId, sequencer: `00${this.eventCounter}` },
      },
      ...(outcome === 'failed' ? { replicationEventData: { failureReason: 'AssumeRoleNotPermitted' } } : {}),
    } as S3EventRecord;
  }

  /**
   * Runs the replication-events queue: one SQS batch of the records' messages, then SQS redelivers
   * what failed (the messages the batch reported, or the whole batch when the function failed), up
   * to five receives (the queue's maxReceiveCount; after that a message goes to the dead-letter queue).
   */
  async queue(records: readonly S3EventRecord[], plans: RetryPlans = [], options: { duplicate?: boolean } = {}): Promise<{ delivered: number; deadLettered: number }> {
    let messages: SQSRecord[] = records.map((record, i) => this.sqsMessage(record, i));
    if (options.duplicate === true) messages = [...messages, ...messages.map((m) => ({ ...m }))];
    let receives = 0;
    for (; messages.length > 0 && receives < 5; receives++) {
      const batch: SQSEvent = { Records: messages };
      const run = await this.lambda('queue', (context) => this.handlers.delivery(batch, context), [plans[receives]], { maxInvocations: 1, timeoutMs: DELIVERY_TIMEOUT_MS });
      if (run.ok) {
        const failed = new Set((run.result as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures.map((f) => f.itemIdentifier));
        messages = messages.filter((m) => failed.has(m.messageId));
      }
      advanceClock(VISIBILITY_TIMEOUT_MS); // SQS redelivers a message once its visibility timeout has passed
    }
    for (const message of messages) this.deadLetters.push(...(JSON.parse(message.body) as { Records: S3EventRecord[] }).Records);
    return { delivered: records.length - messages.length, deadLettered: messages.length };
  }

  private sqsMessage(record: S3EventRecord, index: number): SQSRecord {
    return {
      messageId: `msg-${record.s3.object.sequencer ?? index}`,
      receiptHandle: `rh-${index}`,
      body: JSON.stringify({ Records: [record] }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 's3', ApproximateFirstReceiveTimestamp: String(Date.now()) },
      messageAttributes: {},
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws-cn:sqs:cn-north-1:111122223333:replication-events',
      awsRegion: 'cn-north-1',
    };
  }

  private objectCreated(bucket: string, key: string, versionId: string): unknown {
    this.eventCounter += 1;
    return {
      id: `event-${this.eventCounter}`,
      'detail-type': 'Object Created',
      source: 'aws.s3',
      detail: { bucket: { name: bucket }, object: { key, 'version-id': versionId } },
    };
  }

  private created(created: Created): void {
    if (created.bucket !== OUTBOUND_BUCKET || !created.key.startsWith('outbound/')) return;
    const region = created.key.split('/')[1];
    if (region === PUSH_REGION) this.pushEvents.push(this.objectCreated(created.bucket, created.key, created.version.versionId));
    if (region === REPLICATED_REGION) this.toReplicate.push(created);
  }
}
