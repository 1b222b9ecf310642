import { type RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AuditBucket } from './audit-bucket';
import { ShortRetentionLogGroup } from './short-retention-log-group';
import { isOffered } from '../availability';

/** CloudTrail accepts at most 250 data resources across a trail's basic event selectors. */
export const MAX_TRAIL_DATA_RESOURCES = 250;

export interface AuditTrailProps {
  /** The audit key: encrypts the log files and the bucket. Its policy gets CloudTrail's grant. */
  readonly auditKey: kms.IKey;
  /** The logs key: encrypts the CloudWatch Logs copy of the events. */
  readonly logsKey: kms.IKey;
  /** Days the CloudWatch Logs copy is kept (short retention; the S3 record is the long one). */
  readonly logRetentionDays: number;
  /** Days every log file is locked in COMPLIANCE mode in the audit bucket. */
  readonly objectLockDays: number;
  /** Region whose law governs the record; written to the `residency` tag. */
  readonly residency: string;
  /** Where the audit bucket's S3 server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Buckets whose object reads and writes are recorded as data events (those holding C2/C3 data).
   * @default - none: management events only
   */
  readonly dataEventBuckets?: readonly s3.IBucket[];
  /**
   * Tables whose item reads and writes are recorded as data events (those holding C2/C3 data).
   * @default - none: management events only
   */
  readonly dataEventTables?: readonly dynamodb.ITable[];
  /**
   * Principals that may read the record (see AuditBucket `readers`).
   * @default - nobody beyond what the account grants through IAM
   */
  readonly readers?: readonly iam.IPrincipal[];
  /**
   * Name of the trail. It is fixed so the bucket and key policies can name the trail's ARN without
   * referencing the trail (which would be a circular dependency).
   * @default '<stack name>-audit'
   */
  readonly trailName?: string;
  /**
   * Remove each log file once its Object Lock has run out (see AuditBucket `expireAfterRetention`).
   * @default true
   */
  readonly expireAfterRetention?: boolean;
  /**
   * What happens to the audit bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The account's CloudTrail trail: every region (activity outside the home region is seen), global
 * service events, log-file validation (signed hourly digests), encrypted with the audit key,
 * streamed to a short-retention CloudWatch log group for alarms, and data events for the stores of
 * raw personal data. Log files land in an Object Lock (COMPLIANCE) bucket that only CloudTrail, for
 * this trail, may write to.
 */
export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.CfnTrail;
  /** ARN of the trail, built from its name. */
  public readonly trailArn: string;
  public readonly trailName: string;
  public readonly auditBucket: AuditBucket;
  /** The CloudWatch Logs copy of the events; metric filters read it. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const buckets = props.dataEventBuckets ?? [];
    const tables = props.dataEventTables ?? [];
    const problems: string[] = [];
    if (buckets.length + tables.length > MAX_TRAIL_DATA_RESOURCES) {
      problems.push(`got ${buckets.length + tables.length} data-event resources; CloudTrail accepts at most ${MAX_TRAIL_DATA_RESOURCES}`);
    }
    if (tables.length > 0 && !isOffered('cloudtrail:dynamodb-data-events', stack.region)) {
      // No fallback: the record of every read of raw personal data is the control itself.
      problems.push(
        `CloudTrail DynamoDB data events (cloudtrail:dynamodb-data-events) are not known to be offered in ${stack.region}; ` +
          'the audit of raw C2/C3 tables needs them: check the region and add a row to lib/availability.ts, or keep those tables in a region that offers them',
      );
    }
    if (props.trailName === undefined && Token.isUnresolved(stack.stackName)) {
      problems.push('the stack name is not known at synth time; pass trailName');
    }
    this.trailName = props.trailName ?? `${stack.stackName}-audit`;
    if (!Token.isUnresolved(this.trailName) && !/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(this.trailName)) {
      problems.push(`trailName: got "${this.trailName}"; expected 3-128 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    if (problems.length > 0) throw new Error(`AuditTrail ${id}: ${problems.join('; ')}`);

    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: this.trailName });
    const fromThisTrail = { StringEquals: { 'aws:SourceArn': this.trailArn } };

    this.allowCloudTrailToEncrypt(props.auditKey, fromThisTrail);

    this.auditBucket = new AuditBucket(this, 'Record', {
      encryptionKey: props.auditKey,
      residency: props.residency,
      objectLockDays: props.objectLockDays,
      accessLogsBucket: props.accessLogsBucket,
      readers: props.readers,
      expireAfterRetention: props.expireAfterRetention,
      removalPolicy: props.removalPolicy,
    });
    const bucket = this.auditBucket.bucket;
    const cloudTrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailChecksAcl',
        principals: [cloudTrailPrincipal],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: fromThisTrail,
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailWritesThisTrailOnly',
        principals: [cloudTrailPrincipal],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': this.trailArn } },
      }),
    );

    this.logGroup = new ShortRetentionLogGroup(this, 'Events', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays,
      residency: props.residency,
    }).logGroup;
    // A customer-managed policy, not the inline one the L2 Trail creates: NIST, PCI and HIPAA packs
    // refuse inline policies.
    const deliveryRole = new iam.Role(this, 'LogsDeliveryRole', {
      description: `CloudTrail trail ${this.trailName} delivers events to its CloudWatch log group`,
      assumedBy: cloudTrailPrincipal.withConditions(fromThisTrail),
    });
    const deliveryPolicy = new iam.ManagedPolicy(this, 'LogsDeliveryPolicy', {
      description: `CloudTrail trail ${this.trailName} writes to its own log group only`,
      roles: [deliveryRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteTrailEvents',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });

    // The L1 resource: the L2 Trail adds bucket grants without an aws:SourceArn condition and an
    // inline policy for log delivery, both of which this construct replaces with scoped ones.
    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: this.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: props.auditKey.keyArn,
      s3BucketName: bucket.bucketName,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: deliveryRole.roleArn,
      eventSelectors: [
        {
          includeManagementEvents: true,
          readWriteType: 'All',
          dataResources: dataResources(buckets, tables),
        },
      ],
    });
    // CloudTrail checks the bucket policy and the delivery role when the trail is created.
    this.trail.node.addDependency(deliveryPolicy);
    if (bucket.policy) this.trail.node.addDependency(bucket.policy);
  }

  /**
   * CloudTrail may generate data keys only for this trail (aws:SourceArn) and only under a CloudTrail
   * encryption context of this account; nothing else of the service can use the audit key.
   */
  private allowCloudTrailToEncrypt(key: kms.IKey, fromThisTrail: Record<string, unknown>): void {
    const stack = Stack.of(this);
    const statements = [
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsThisTrailOnly',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          ...fromThisTrail,
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*` },
        },
      }),
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: fromThisTrail,
      }),
    ];
    for (const statement of statements) {
      if (!key.addToResourcePolicy(statement).statementAdded) {
        throw new Error('AuditTrail auditKey: the key is imported, so its policy cannot let CloudTrail encrypt; pass a key this app owns');
      }
    }
  }
}

function dataResources(
  buckets: readonly s3.IBucket[],
  tables: readonly dynamodb.ITable[],
): cloudtrail.CfnTrail.DataResourceProperty[] | undefined {
  const resources: cloudtrail.CfnTrail.DataResourceProperty[] = [];
  // A bucket ARN followed by '/' selects every object in that bucket.
  if (buckets.length > 0) resources.push({ type: 'AWS::S3::Object', values: buckets.map((b) => `${b.bucketArn}/`) });
  if (tables.length > 0) resources.push({ type: 'AWS::DynamoDB::Table', values: tables.map((t) => t.tableArn) });
  return resources.length > 0 ? resources : undefined;
}
