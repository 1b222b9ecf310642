import { Duration, FeatureFlags } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { DataPlaneFunction } from './data-plane-function';
import { grantObjectWrite, grantPrefixList } from './grants';
import { ManagedPolicyRole, moveMapRunPermissions } from './managed-policy-role';
import { ShortRetentionLogGroup } from './short-retention-log-group';

/**
 * The map's result writer, with its permissions scoped to the results prefix: CDK's grants
 * `s3:PutObject` on the whole bucket, which here holds raw C2 records.
 */
class PrefixScopedResultWriter extends sfn.ResultWriterV2 {
  constructor(private readonly scoped: { bucket: s3.IBucket; prefix: string }) {
    super(scoped);
  }

  public override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.scoped.bucket.arnForObjects(`${this.scoped.prefix}*`)],
      }),
    ];
  }
}

export interface BackfillStateMachineProps {
  /** The gateway function each batch runs through (the same code as the live path). */
  readonly gateway: DataPlaneFunction;
  /** Bucket holding the historical raw records. */
  readonly rawBucket: s3.IBucket;
  /** Prefix of the historical raw records. */
  readonly rawPrefix: string;
  /** Where the map run writes its results (per-batch outcomes and failures), in the home region. */
  readonly resultsPrefix: string;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly residency: string;
  /**
   * Objects per gateway invocation.
   * @default 20
   */
  readonly objectsPerBatch?: number;
  /**
   * Batches in flight at once (keep below the gateway's reserved concurrency).
   * @default 8
   */
  readonly maxConcurrency?: number;
  /**
   * Share of failed batches tolerated before the run fails. Failures are always written to the
   * results, whatever this is: tolerated is reported, not hidden.
   * @default 0
   */
  readonly toleratedFailurePercentage?: number;
}

/**
 * Bulk backfill of historical records (the 5-million-record inventory): a Step Functions
 * Distributed Map over every object under the raw prefix, in batches, through the gateway function.
 * Results, including every failed batch with its error, are written to S3 in the home region; the
 * execution logs ALL events to an encrypted, short-retention log group and is traced.
 */
export class BackfillStateMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: BackfillStateMachineProps) {
    super(scope, id);
    const tolerated = props.toleratedFailurePercentage ?? 0;
    if (tolerated < 0 || tolerated > 100) {
      throw new Error(`BackfillStateMachine toleratedFailurePercentage: got ${tolerated}; expected 0 to 100`);
    }
    const invoke = new tasks.LambdaInvoke(this, 'TransferBatch', {
      lambdaFunction: props.gateway.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    invoke.addRetry({ errors: ['States.TaskFailed'], maxAttempts: 2, interval: Duration.seconds(10), backoffRate: 2 });

    const map = new sfn.DistributedMap(this, 'EveryRawObject', {
      itemReader: new sfn.S3ObjectsItemReader({ bucket: props.rawBucket, prefix: props.rawPrefix }),
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: props.objectsPerBatch ?? 20,
        batchInput: { bucket: props.rawBucket.bucketName },
      }),
      maxConcurrency: props.maxConcurrency ?? 8,
      toleratedFailurePercentage: tolerated,
      resultWriterV2: new PrefixScopedResultWriter({ bucket: props.rawBucket, prefix: props.resultsPrefix }),
      label: 'Backfill',
    });
    map.itemProcessor(invoke);
    // Without this flag CDK drops `resultWriterV2`, and failed batches would go unreported.
    this.node.addValidation({
      validate: () =>
        FeatureFlags.of(this).isEnabled(cxapi.STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2)
          ? []
          : [`BackfillStateMachine needs the feature flag "${cxapi.STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2}": true in cdk.json, or the map's results are not written`],
    });

    const logs = new ShortRetentionLogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays,
      residency: props.residency,
    });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Backfill: list raw objects, run the gateway on each batch, write results',
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(map),
      role,
      tracingEnabled: true,
      logs: { destination: logs.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.hours(24),
      comment: 'Backfill historical raw records through the transfer gateway',
    });
    grantPrefixList(role, props.rawBucket, props.rawPrefix);
    grantObjectWrite(role, props.rawBucket, props.resultsPrefix);
    moveMapRunPermissions(this, this.stateMachine, role, 'Backfill: manage the child executions of its own distributed map');
  }
}
