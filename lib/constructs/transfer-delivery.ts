import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { PUSH_ATTEMPTS } from '../../lambda/delivery/attempts';
import type { DeliveryDestination } from '../../lambda/delivery/destinations';
import { bucketArnOf } from './bucket-names';
import { tagClassified } from './tag-classified';
import { DataPlaneFunction } from './data-plane-function';
import { grantKeyUseThrough } from './grants';
import { ManagedPolicyRole } from './managed-policy-role';
import { PartitionCredentials } from './partition-credentials';
import type { PrivateNetwork } from './private-network';
import type { TransferGateway } from './transfer-gateway';
import { OUTBOUND_PREFIX } from './transfer-gateway';

export interface DeliveryTarget {
  /** Allowed destination region. */
  readonly region: string;
  /**
   * Name of the landing bucket there (it carries the destination account, see bucket-names.ts).
   * Required for S3 replication. For a push it is absent when the other partition's account is not
   * configured: the delivery function then refuses to push, and `residency preflight` reports it.
   * @default - unknown (push refused)
   */
  readonly bucketName?: string;
  /** Whether the destination is in the home partition (S3 replication) or another (push). */
  readonly samePartition: boolean;
  /** Alias of the landing key there (replica encryption), for same-partition destinations. */
  readonly landingKeyAlias: string;
}

export interface TransferDeliveryProps {
  readonly gateway: TransferGateway;
  /** The private network: delivery runs in it unless a destination is in another partition (push needs the internet). */
  readonly network: PrivateNetwork;
  readonly targets: readonly DeliveryTarget[];
  /** Name of the outbound bucket (fixed, see bucket-names.ts). */
  readonly outboundBucketName: string;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly residency: string;
}

/**
 * Delivery of desensitized output from the outbound prefix to each allowed destination, with a
 * receipt in the ledger for every object. Same partition: S3 replication of `outbound/<region>/`
 * only, with the destination's own key; completion and failure events become receipts. Across
 * partitions (S3 replication cannot cross them): a function pushes each object over TLS with
 * credentials of the other partition held in Secrets Manager under a customer key.
 */
export class TransferDelivery extends Construct {
  public readonly function: DataPlaneFunction;
  public readonly credentials: secretsmanager.Secret[] = [];
  public readonly replicationRole?: ManagedPolicyRole;

  constructor(scope: Construct, id: string, props: TransferDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { gateway } = props;
    const replicated = props.targets.filter((t) => t.samePartition).map((t) => ({ ...t, bucketName: replicaBucketOf(t) }));
    const pushed = props.targets.filter((t) => !t.samePartition);

    const destinations: DeliveryDestination[] = props.targets.map((target) => {
      if (target.samePartition) return { region: target.region, bucket: replicaBucketOf(target), method: 's3-replication' };
      const credentials = new PartitionCredentials(this, `Credentials-${target.region}`, {
        destinationRegion: target.region,
        bucketName: target.bucketName,
        encryptionKey: gateway.outboundKey,
        logsKey: props.logsKey,
        logRetentionDays: props.logRetentionDays,
        residency: props.residency,
      });
      this.credentials.push(credentials.secret);
      return { region: target.region, bucket: target.bucketName, method: 'cross-partition-push', credentialsSecretArn: credentials.secret.secretArn };
    });

    this.function = new DataPlaneFunction(this, 'Deliver', {
      entry: join(__dirname, '..', '..', 'lambda', 'delivery', 'handler.ts'),
      description: 'Delivers declared, desensitized output to its destination and writes receipts',
      environmentKey: gateway.outboundKey,
      logsKey: props.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      timeout: Duration.minutes(5),
      vpc: pushed.length === 0 ? props.network.vpc : undefined,
      xrayEndpoint: pushed.length === 0 ? props.network.xrayEndpoint : undefined,
      // The function counts push attempts against the same number to write the final "failed" receipt.
      retryAttempts: PUSH_ATTEMPTS - 1,
      environment: {
        DESTINATIONS: JSON.stringify(destinations),
        OUTBOUND_PREFIX,
        LEDGER_BUCKET: gateway.ledger.store.bucket.bucketName,
        LEDGER_HEAD_TABLE: gateway.ledger.headTable.table.tableName,
        IDEMPOTENCY_TABLE: gateway.idempotencyTable.table.tableName,
      },
    });
    const role = this.function.role;
    gateway.ledger.grantAppend(role);
    gateway.idempotencyTable.grantReadWrite(role);
    // Read access by constructed ARN: the outbound bucket's notification settings depend on this
    // function, so a reference to the bucket resource here would close a dependency cycle.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [`${bucketArnOf(props.outboundBucketName)}/${OUTBOUND_PREFIX}*`],
      }),
    );
    gateway.outboundKey.grantDecrypt(role);
    // Explicit grants: `secret.grantRead` would add the role to the key policy, and the key policy
    // referencing this role while the secret depends on the key closes a dependency cycle.
    if (this.credentials.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: this.credentials.map((s) => s.secretArn) }),
      );
      grantKeyUseThrough(role, gateway.outboundKey, ['kms:Decrypt'], 'secretsmanager');
    }

    if (pushed.length > 0) {
      const rule = new events.Rule(this, 'OutboundObjectCreated', {
        description: 'Declared output is ready for a cross-partition destination',
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: {
            bucket: { name: [props.outboundBucketName] },
            object: { key: pushed.map((t) => ({ prefix: `${OUTBOUND_PREFIX}${t.region}/` })) },
          },
        },
      });
      rule.addTarget(this.function.asEventTarget());
    }

    if (replicated.length > 0) {
      this.replicationRole = this.replicate(props, replicated);
      // Replication completion/failure events are S3 notifications (EventBridge does not carry them).
      // They go to an encrypted queue the function consumes: a queue policy scoped to this bucket by
      // name, rather than a function permission that would have to name the bucket resource.
      const events = new sqs.Queue(this, 'ReplicationEvents', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: gateway.outboundKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        visibilityTimeout: Duration.minutes(30),
        deadLetterQueue: { queue: this.function.deadLetterQueue, maxReceiveCount: 5 },
      });
      tagClassified(events, 'C1', props.residency);
      const sourceConditions = {
        ArnLike: { 'aws:SourceArn': bucketArnOf(props.outboundBucketName) },
        StringEquals: { 'aws:SourceAccount': stack.account },
      };
      const queuePolicy = new sqs.QueuePolicy(this, 'ReplicationEventsPolicy', { queues: [events] });
      queuePolicy.document.addStatements(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [events.queueArn],
          conditions: sourceConditions,
        }),
      );
      gateway.outboundKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'S3ReplicationEventsToQueue',
          principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: sourceConditions,
        }),
      );
      this.function.function.addEventSource(new sources.SqsEventSource(events, { batchSize: 10, reportBatchItemFailures: true }));
      const outbound = gateway.outbound.bucket.node.defaultChild as s3.CfnBucket;
      outbound.addResourceDependency(queuePolicy.node.defaultChild as sqs.CfnQueuePolicy);
      outbound.notificationConfiguration = {
        eventBridgeConfiguration: { eventBridgeEnabled: true },
        queueConfigurations: ['s3:Replication:OperationCompletedReplication', 's3:Replication:OperationFailedReplication'].map((event) => ({
          event,
          queue: events.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: OUTBOUND_PREFIX }] } },
        })),
      };
    }
  }

  private replicate(props: TransferDeliveryProps, replicated: ReadonlyArray<DeliveryTarget & { readonly bucketName: string }>): ManagedPolicyRole {
    const stack = Stack.of(this);
    const sourceArn = bucketArnOf(props.outboundBucketName);
    const role = new ManagedPolicyRole(this, 'ReplicationRole', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: 'S3 replication of the outbound prefix only, to allowed destination regions',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [sourceArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        resources: replicated.map((t) => `${sourceArn}/${OUTBOUND_PREFIX}${t.region}/*`),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ReplicateObject', 's3:ReplicateTags'],
        resources: replicated.map((t) => `${bucketArnOf(t.bucketName)}/${OUTBOUND_PREFIX}${t.region}/*`),
      }),
    );
    grantKeyUseThrough(role, props.gateway.outboundKey, ['kms:Decrypt'], 's3');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: replicated.map((t) => stack.formatArn({ service: 'kms', region: t.region, resource: 'key', resourceName: '*' })),
        conditions: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': replicated.map((t) => t.landingKeyAlias) },
          StringLike: { 'kms:ViaService': replicated.map((t) => `s3.${t.region}.${stack.urlSuffix}`) },
        },
      }),
    );
    const outbound = props.gateway.outbound.bucket.node.defaultChild as s3.CfnBucket;
    outbound.replicationConfiguration = {
      role: role.roleArn,
      rules: replicated.map((target, priority) => ({
        id: `outbound-to-${target.region}`,
        priority,
        status: 'Enabled',
        filter: { prefix: `${OUTBOUND_PREFIX}${target.region}/` },
        deleteMarkerReplication: { status: 'Disabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: bucketArnOf(target.bucketName),
          encryptionConfiguration: {
            replicaKmsKeyId: stack.formatArn({ service: 'kms', region: target.region, resource: 'alias', resourceName: target.landingKeyAlias.replace(/^alias\//, '') }),
          },
          replicationTime: { status: 'Enabled', time: { minutes: 15 } },
          metrics: { status: 'Enabled', eventThreshold: { minutes: 15 } },
        },
      })),
    };
    return role;
  }
}

/** S3 replication names its destination bucket in the source's configuration: it must be known at synth. */
function replicaBucketOf(target: DeliveryTarget): string {
  if (!target.bucketName) throw new Error(`TransferDelivery: the replicated destination ${target.region} needs its landing bucket's name (bucketName)`);
  return target.bucketName;
}
