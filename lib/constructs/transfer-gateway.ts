import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { ClassifiedBucket } from './classified-bucket';
import { ClassifiedTable } from './classified-table';
import { allowEventBridgeDeadLetters, createCustomerKey } from './key-policies';
import { DataPlaneFunction } from './data-plane-function';
import { SplitStateMachine } from './split-state-machine';
import { DeclarationLedger } from './declaration-ledger';
import { HEADCOUNT_NAMESPACE } from './headcount-alarms';
import type { KeyHierarchy } from './key-hierarchy';
import type { PrivateNetwork } from './private-network';
import { OUTBOUND_PREFIX, QUARANTINE_PREFIX, RAW_PREFIX, STAGING_PREFIX } from './transfer-prefixes';
import { DESENSITIZED_CLASS } from '../vocabulary/data-classes';
import { DEFAULT_GATEWAY_MEMORY_MB } from '../config';
import { OBJECTS_QUARANTINED_METRIC } from '../../lambda/shared/gateway-metrics';
import { threadsForMemory } from '../../lambda/shared/lambda-cpu';

export { OUTBOUND_PREFIX, QUARANTINE_PREFIX, RAW_PREFIX, STAGING_PREFIX };

/** The part of a validated transfer rule the infrastructure needs; the whole rule ships to the function. */
export interface GatewayRule {
  readonly id: string;
  readonly version: number;
  readonly destination: { readonly region: string };
}

export interface TransferGatewayProps {
  /** Region of the raw data (home); written to `residency` tags. */
  readonly residency: string;
  /** ISO country of the home region. */
  readonly jurisdiction: string;
  /** The home key hierarchy (class keys, audit, logs, token HMAC key). */
  readonly keys: KeyHierarchy;
  /** The bucket raw records land in (C2). */
  readonly rawStore: ClassifiedBucket;
  /** Where S3 server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** Private network the gateway function runs in (no route to the internet). */
  readonly network: PrivateNetwork;
  /** Approved, validated transfer rules (the whitelist), shipped to the function as configuration. */
  readonly rules: readonly GatewayRule[];
  /** Days operational logs are kept. */
  readonly logRetentionDays: number;
  /** Object Lock retention of ledger entries, in days. */
  readonly ledgerRetentionDays: number;
  /** Fixed name of the outbound bucket (see bucket-names.ts). */
  readonly outboundBucketName: string;
  /** Who is told when an object is quarantined by reference (the security alarms' topic). */
  readonly alarmTopic: sns.ITopic;
  /**
   * Largest raw object processed, in bytes (config `maxRawObjectBytes`); a larger one is quarantined by reference.
   * @default no ceiling
   */
  readonly maxObjectBytes?: number;
  /**
   * Raw objects larger than this, in bytes, are split into parts of this size (config `splitObjectBytes`).
   * @default 1073741824 (1 GiB)
   */
  readonly splitObjectBytes?: number;
  /**
   * Memory of the gateway function in MB (config `gatewayMemoryMB`); it decides the function's CPU
   * and so its thread count (`threadsForMemory`, docs/data-plane.md).
   * @default DEFAULT_GATEWAY_MEMORY_MB (3,538: two vCPUs, two threads)
   */
  readonly memorySize?: number;
  /**
   * Largest size of the rules as configuration; Lambda caps all environment variables at 4 KiB.
   * @default 3072
   */
  readonly maxRulesBytes?: number;
}

/**
 * The cross-border transfer gateway in the home region. A raw object landing under `raw/` in the C2
 * store triggers the gateway function (through EventBridge), which applies every matching transfer
 * rule with the data-plane core, records a pre-transfer declaration in the hash-chained ledger, and
 * writes desensitized output under `outbound/<region>/` in the outbound bucket (its own key).
 * Refused records go to `quarantine/` in the home region. Failed events go to an encrypted
 * dead-letter queue. Nothing raw leaves the home region.
 */
export class TransferGateway extends Construct {
  public readonly outboundKey: kms.Key;
  public readonly outbound: ClassifiedBucket;
  public readonly ledger: DeclarationLedger;
  public readonly gateway: DataPlaneFunction;
  public readonly idempotencyTable: ClassifiedTable;
  public readonly headcountTable: ClassifiedTable;
  public readonly trigger: events.Rule;
  /** Raised when the gateway quarantines a whole object (format, size): data to look at, not a bug. */
  public readonly objectsQuarantinedAlarm: cloudwatch.Alarm;
  /** Runs objects too large for one invocation through the gateway part by part, then the assembly. */
  public readonly split: SplitStateMachine;

  constructor(scope: Construct, id: string, props: TransferGatewayProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const rulesJson = JSON.stringify(props.rules);
    const maxRulesBytes = props.maxRulesBytes ?? 3072;
    if (Buffer.byteLength(rulesJson) > maxRulesBytes) {
      throw new Error(
        `TransferGateway: the transfer rules take ${Buffer.byteLength(rulesJson)} bytes as configuration; at most ${maxRulesBytes} fit in the function environment`,
      );
    }

    this.outboundKey = createCustomerKey(this, 'OutboundKey', {
      description: 'Desensitized output awaiting cross-border delivery; gateway environment and dead letters',
      dataClass: DESENSITIZED_CLASS,
      residency: props.residency,
    });
    // EventBridge delivers undeliverable events to the encrypted dead-letter queue.
    allowEventBridgeDeadLetters(this.outboundKey, stack.account);

    this.outbound = new ClassifiedBucket(this, 'Outbound', {
      dataClass: DESENSITIZED_CLASS,
      encryptionKey: this.outboundKey,
      residency: props.residency,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'outbound/',
      bucketName: props.outboundBucketName,
    });
    // Every try of the gateway stages its output again before releasing it, so a staged copy is
    // needed for minutes only; a day bounds how long a desensitized copy outside outbound/ lives.
    // Outputs are multipart uploads: one a crash left open (never an object) is aborted a day later.
    this.outbound.bucket.addLifecycleRule({ id: 'expire-staged-outputs', prefix: STAGING_PREFIX, expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) });
    props.rawStore.bucket.addLifecycleRule({ id: 'abort-open-quarantine-uploads', prefix: QUARANTINE_PREFIX, abortIncompleteMultipartUploadAfter: Duration.days(1) });

    this.ledger = new DeclarationLedger(this, 'Ledger', {
      encryptionKey: props.keys.auditKey,
      residency: props.residency,
      jurisdiction: props.jurisdiction,
      accessLogsBucket: props.accessLogsBucket,
      retentionDays: props.ledgerRetentionDays,
    });

    // Powertools idempotency records (object version + rule versions → result; delivery: object or
    // notification → receipt) that spare a retried event the work; they hold counts and seqs, never
    // records. Exactly-once does not rest on them: the ledger refuses a second entry per identity.
    this.idempotencyTable = new ClassifiedTable(this, 'Idempotency', {
      dataClass: 'C1',
      jurisdiction: props.jurisdiction,
      encryptionKey: props.keys.keyFor('C1'),
      residency: props.residency,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      sortKey: null,
      timeToLiveAttribute: 'expiration',
    });

    // Distinct individuals transferred per exporter, year and sensitivity, keyed by HMAC token
    // (never a raw identifier): the live headcount the CAC thresholds are measured against.
    this.headcountTable = new ClassifiedTable(this, 'Headcount', {
      dataClass: 'C1',
      jurisdiction: props.jurisdiction,
      encryptionKey: props.keys.keyFor('C1'),
      residency: props.residency,
    });

    const memorySize = props.memorySize ?? DEFAULT_GATEWAY_MEMORY_MB;
    this.gateway = new DataPlaneFunction(this, 'Gateway', {
      entry: join(__dirname, '..', '..', 'lambda', 'gateway', 'handler.ts'),
      // The worker threads' entry, next to the handler (transfer-object.ts starts it from __dirname).
      extraEntries: { 'gateway-worker': join(__dirname, '..', '..', 'lambda', 'gateway', 'gateway-worker.ts') },
      description: 'Desensitizes raw payment records under approved transfer rules and declares each batch',
      environmentKey: this.outboundKey,
      logsKey: props.keys.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      vpc: props.network.vpc,
      xrayEndpoint: props.network.xrayEndpoint,
      memorySize,
      timeout: Duration.minutes(10),
      environment: {
        TRANSFER_RULES: rulesJson,
        RAW_PREFIX,
        OUTBOUND_BUCKET: this.outbound.bucket.bucketName,
        OUTBOUND_PREFIX,
        STAGING_PREFIX,
        QUARANTINE_PREFIX,
        LEDGER_BUCKET: this.ledger.store.bucket.bucketName,
        LEDGER_HEAD_TABLE: this.ledger.headTable.table.tableName,
        IDEMPOTENCY_TABLE: this.idempotencyTable.table.tableName,
        HEADCOUNT_TABLE: this.headcountTable.table.tableName,
        TOKEN_KEY_ID: props.keys.tokenKey.keyArn,
        EXPORTER: `${stack.account}/${props.residency}`,
        POWERTOOLS_METRICS_NAMESPACE: HEADCOUNT_NAMESPACE,
        ...(props.maxObjectBytes === undefined ? {} : { MAX_OBJECT_BYTES: String(props.maxObjectBytes) }),
        // One desensitizing thread per whole vCPU the memory buys (the host's core count says nothing of that share).
        GATEWAY_THREADS: String(threadsForMemory(memorySize)),
      },
    });
    props.network.allowKmsFrom(this.gateway.function);
    const role = this.gateway.role;
    this.split = new SplitStateMachine(this, 'Split', {
      gateway: this.gateway,
      logsKey: props.keys.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
    });
    this.gateway.function.addEnvironment('SPLIT_STATE_MACHINE_ARN', this.split.stateMachineArn);
    this.gateway.function.addEnvironment('SPLIT_OBJECT_BYTES', String(props.splitObjectBytes ?? 1024 ** 3));
    this.split.grantStartExecution(role);
    props.rawStore.grantRead(role, RAW_PREFIX);
    props.rawStore.grantWrite(role, QUARANTINE_PREFIX);
    // The assembly of a split object reads back the quarantine entries of its parts.
    props.rawStore.grantRead(role, QUARANTINE_PREFIX);
    // Stage (write), release by server-side copy (read the staged object, write the outbound one), and
    // after a retry check what an earlier try released (read).
    this.outbound.grantWrite(role, STAGING_PREFIX);
    this.outbound.grantRead(role, STAGING_PREFIX);
    this.outbound.grantWrite(role, OUTBOUND_PREFIX);
    this.outbound.grantRead(role, OUTBOUND_PREFIX);
    // Outputs and quarantine records are multipart uploads (s3:PutObject covers creating, sending and
    // completing them, UploadPartCopy too), and so is the release of an output over 5 GiB; a failed
    // try aborts its own.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload'],
        resources: [
          this.outbound.bucket.arnForObjects(`${STAGING_PREFIX}*`),
          this.outbound.bucket.arnForObjects(`${OUTBOUND_PREFIX}*`),
          props.rawStore.bucket.arnForObjects(`${QUARANTINE_PREFIX}*`),
        ],
      }),
    );
    this.ledger.grantAppend(role);
    this.idempotencyTable.grantReadWrite(role);
    this.headcountTable.grantReadWrite(role);
    props.keys.grantGenerateToken(role);

    this.trigger = new events.Rule(this, 'RawObjectCreated', {
      description: 'A raw record file landed in the home C2 store',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.rawStore.bucket.bucketName] },
          object: { key: [{ prefix: RAW_PREFIX }] },
        },
      },
    });
    this.trigger.addTarget(this.gateway.asEventTarget());

    // The failure path for data: an object the gateway cannot process is recorded by reference and
    // counted; the dead-letter queue stays for bugs.
    this.objectsQuarantinedAlarm = new cloudwatch.Alarm(this, 'ObjectsQuarantined', {
      alarmDescription:
        'The transfer gateway quarantined a raw object by reference (unsupported format, or over maxRawObjectBytes): it was not transferred; ' +
        `see ${QUARANTINE_PREFIX}objects/ in the raw store`,
      metric: new cloudwatch.Metric({
        namespace: HEADCOUNT_NAMESPACE,
        metricName: OBJECTS_QUARANTINED_METRIC,
        dimensionsMap: { Exporter: `${stack.account}/${props.residency}` },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.objectsQuarantinedAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }
}
