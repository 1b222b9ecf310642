import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { TransferRule } from '../../lambda/core/transfer-rule';
import { SUPPRESSION_LIST_KEY } from '../../lambda/shared/suppression-list-store';
import type { ClassifiedBucket } from './classified-bucket';
import { DataPlaneFunction } from './data-plane-function';
import type { DeclarationLedger } from './declaration-ledger';
import { grantObjectRead, grantObjectWrite } from './grants';
import type { KeyHierarchy } from './key-hierarchy';
import type { PrivateNetwork } from './private-network';

/** Folder of the C1 store holding the suppression list (tokens only: C1 internal data). */
export const SUBJECTS_PREFIX = 'subjects/';

export interface SubjectRightsProps {
  /** The home key hierarchy: the token key derives the subjects' tokens; the logs key encrypts logs. */
  readonly keys: KeyHierarchy;
  /** The C1 store: the suppression list lives under `subjects/`. */
  readonly listStore: ClassifiedBucket;
  /** The home stores erasure removes records from (their `raw/` prefix). */
  readonly homeStores: readonly ClassifiedBucket[];
  /** The gateway function: it reads the list before every transfer. */
  readonly gateway: DataPlaneFunction;
  readonly ledger: DeclarationLedger;
  /** Where notices wait for delivery (the outbound bucket), and its prefix. */
  readonly outbound: ClassifiedBucket;
  readonly outboundPrefix: string;
  /** The approved transfer rules: their recipients are told when a list entry names none. */
  readonly rules: readonly TransferRule[];
  /** The key that encrypts the function's environment and dead letters (EventBridge may use it). */
  readonly environmentKey: kms.IKey;
  readonly network: PrivateNetwork;
  readonly logRetentionDays: number;
  readonly residency: string;
  /**
   * Prefix of the home stores' objects erasure may rewrite and delete.
   * @default 'raw/'
   */
  readonly recordsPrefix?: string;
}

/**
 * People's rights in the home region. The suppression list (`subjects/suppression-list.json` in the
 * C1 store, versioned) is read by the gateway before every transfer; each new version of it reaches
 * the subject-requests function, which declares each change in the ledger and writes a notice for
 * each destination region under the outbound prefix (delivery sends it and writes a receipt: the
 * CDPA hand-on). The same function executes erasure plans on the home stores. It runs in the
 * private network, since erasure reads raw records.
 */
export class SubjectRights extends Construct {
  public readonly handler: DataPlaneFunction;
  public readonly listChanged: events.Rule;

  constructor(scope: Construct, id: string, props: SubjectRightsProps) {
    super(scope, id);
    const recordsPrefix = props.recordsPrefix ?? 'raw/';
    const recipients = [...new Map(props.rules.map((r) => [`${r.destination.region}|${r.destination.recipient}`, r.destination])).values()];

    this.handler = new DataPlaneFunction(this, 'Requests', {
      entry: join(__dirname, '..', '..', 'lambda', 'subjects', 'handler.ts'),
      description: 'Declares suppression-list changes and sends them to recipients; executes erasure plans on the home stores',
      environmentKey: props.environmentKey,
      logsKey: props.keys.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      vpc: props.network.vpc,
      xrayEndpoint: props.network.xrayEndpoint,
      memorySize: 1024,
      timeout: Duration.minutes(10),
      reservedConcurrentExecutions: 1,
      environment: {
        LIST_BUCKET: props.listStore.bucket.bucketName,
        LIST_KEY: SUPPRESSION_LIST_KEY,
        OUTBOUND_BUCKET: props.outbound.bucket.bucketName,
        OUTBOUND_PREFIX: props.outboundPrefix,
        RULE_RECIPIENTS: JSON.stringify(recipients),
        RULE_FIELDS: JSON.stringify(props.rules.map((r) => r.fields)),
        TOKEN_KEY_ID: props.keys.tokenKey.keyArn,
        LEDGER_BUCKET: props.ledger.store.bucket.bucketName,
        LEDGER_HEAD_TABLE: props.ledger.headTable.table.tableName,
      },
    });
    props.network.allowKmsFrom(this.handler.function);
    const role = this.handler.role;
    grantObjectRead(role, props.listStore.bucket, SUBJECTS_PREFIX);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [props.listStore.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${SUBJECTS_PREFIX}*`] } } }),
    );
    props.ledger.grantAppend(role);
    grantObjectWrite(role, props.outbound.bucket, props.outboundPrefix);
    props.keys.grantGenerateToken(role);
    for (const store of props.homeStores) {
      grantObjectRead(role, store.bucket, recordsPrefix);
      grantObjectWrite(role, store.bucket, recordsPrefix);
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObjectVersion'], resources: [store.bucket.arnForObjects(`${recordsPrefix}*`)] }));
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [store.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${recordsPrefix}*`] } } }),
      );
    }

    // The gateway reads the list before every transfer; without it, it refuses to transfer.
    grantObjectRead(props.gateway.role, props.listStore.bucket, SUBJECTS_PREFIX);
    props.gateway.function.addEnvironment('SUPPRESSION_BUCKET', props.listStore.bucket.bucketName);
    props.gateway.function.addEnvironment('SUPPRESSION_KEY', SUPPRESSION_LIST_KEY);

    this.listChanged = new events.Rule(this, 'SuppressionListChanged', {
      description: 'A new version of the suppression list: declare its changes and send them to recipients',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.listStore.bucket.bucketName] }, object: { key: [SUPPRESSION_LIST_KEY] } },
      },
      targets: [this.handler.asEventTarget()],
    });
  }

  /** Change the suppression list (the compliance officer's role). */
  public grantListWrite(grantee: iam.IGrantable, listStore: ClassifiedBucket): iam.Grant {
    return grantObjectWrite(grantee, listStore.bucket, SUBJECTS_PREFIX);
  }

  /** Execute erasure plans: invoke the function with `{ action: 'erase', plan }`. */
  public grantErase(grantee: iam.IGrantable): iam.Grant {
    return this.handler.function.grantInvoke(grantee);
  }
}
