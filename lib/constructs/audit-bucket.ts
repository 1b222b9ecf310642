import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AUDIT_RECORD_FLOOR_DAYS, OBJECT_LOCK_CEILING_DAYS } from '../config';
import { consolidateProps, defaultBucketProps, kmsEncryptedBucketProps } from '../vocabulary/secure-defaults';
import { deliverAccessLogs } from './access-logs-bucket';
import { sendEventsToEventBridge } from './bucket-events';
import { tagClassified } from './tag-classified';

/** Reading the record: bucket-level listing and configuration, never any write or delete. */
export const AUDIT_BUCKET_READ_ACTIONS = [
  's3:GetBucketObjectLockConfiguration',
  's3:GetBucketPolicy',
  's3:GetBucketVersioning',
  's3:ListBucket',
  's3:ListBucketVersions',
] as const;
/** Reading the record: objects, their versions and their locks. */
export const AUDIT_OBJECT_READ_ACTIONS = [
  's3:GetObject',
  's3:GetObjectLegalHold',
  's3:GetObjectRetention',
  's3:GetObjectVersion',
] as const;

export interface AuditBucketProps {
  /** The audit key. Encryption with it cannot be overridden. */
  readonly encryptionKey: kms.IKey;
  /** Region whose law governs the record; written to the `residency` tag. */
  readonly residency: string;
  /**
   * Days every object version is locked in COMPLIANCE mode: nobody, not even the account root, can
   * delete it sooner. At least AUDIT_RECORD_FLOOR_DAYS (365): with `expireAfterRetention` the record
   * exists exactly this long (PCI DSS v4.0.1 Req. 10.5.1: 12 months; Cybersecurity Law Art. 21(3): six months).
   */
  readonly objectLockDays: number;
  /** Where S3 server access logs go: S3 cannot deliver them to an Object Lock or SSE-KMS bucket, so never to this one. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Prefix of this bucket's access logs in the log bucket.
   * @default 'audit/'
   */
  readonly accessLogsPrefix?: string;
  /**
   * Principals that may read the record. They are listed in the bucket policy and the key policy
   * (decrypt through S3 only), so the record itself says who can read it.
   * @default - nobody beyond what the account grants through IAM
   */
  readonly readers?: readonly iam.IPrincipal[];
  /**
   * Remove each record once its lock has run out (audit logs name people and addresses: keep them as
   * long as the duty to keep them, not longer). Expiry cannot touch a version that is still locked.
   * @default true
   */
  readonly expireAfterRetention?: boolean;
  /**
   * What happens to the bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The immutable audit record: S3 Object Lock in COMPLIANCE mode with a default retention, versioned,
 * SSE-KMS with the audit key, TLS 1.2+ only, public access blocked, access-logged elsewhere, and a
 * policy under which nothing but an AWS service principal can write objects. Tagged `data-class=audit`.
 */
export class AuditBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditBucketProps) {
    super(scope, id);
    const days = props.objectLockDays;
    if (!Number.isInteger(days) || days < AUDIT_RECORD_FLOOR_DAYS || days > OBJECT_LOCK_CEILING_DAYS) {
      throw new Error(
        `AuditBucket objectLockDays: got ${days}; expected a whole number of days from ${AUDIT_RECORD_FLOOR_DAYS} (PCI DSS v4.0.1 Req. 10.5.1: 12 months of audit log history) to ${OBJECT_LOCK_CEILING_DAYS}`,
      );
    }
    const expire = props.expireAfterRetention ?? true;
    // Expiry is never shorter than the lock: S3 counts lifecycle days from the next midnight UTC after
    // creation, so a version expires on or after its retain-until date, and expiry cannot remove a
    // version that is still locked anyway.
    const expireAfterDays = days;
    this.bucket = new s3.Bucket(
      this,
      'Bucket',
      consolidateProps(
        defaultBucketProps(),
        { removalPolicy: props.removalPolicy },
        {
          ...kmsEncryptedBucketProps(props.encryptionKey),
          // No S3 Bucket Key: CloudTrail then asks KMS for a data key per log file under the trail's own
          // encryption context, which is what the audit key policy's conditions pin it to.
          bucketKeyEnabled: false,
          objectLockEnabled: true,
          objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(days)),
          lifecycleRules: [
            {
              id: expire ? 'expire-after-retention' : 'abort-incomplete-uploads',
              expiration: expire ? Duration.days(expireAfterDays) : undefined,
              noncurrentVersionExpiration: expire ? Duration.days(1) : undefined,
              abortIncompleteMultipartUploadAfter: Duration.days(1),
            },
          ],
        },
      ),
    );
    deliverAccessLogs(this, this.bucket, props.accessLogsBucket, props.accessLogsPrefix ?? 'audit/');

    // Only service principals (CloudTrail, scoped by the trail's grant) write here; people and
    // workloads of the account cannot, whatever their IAM policies say.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyAwsServicesWriteRecords',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );

    const readers = [...(props.readers ?? [])];
    if (readers.length > 0) this.allowReaders(readers, props.encryptionKey);
    sendEventsToEventBridge(this.bucket);
    tagClassified(this.bucket, 'audit', props.residency);
  }

  private allowReaders(readers: iam.IPrincipal[], key: kms.IKey): void {
    const stack = Stack.of(this);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ReadersListRecords',
        principals: readers,
        actions: [...AUDIT_BUCKET_READ_ACTIONS],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ReadersReadRecords',
        principals: readers,
        actions: [...AUDIT_OBJECT_READ_ACTIONS],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    const added = key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AuditReadersDecryptThroughS3Only',
        principals: readers,
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
    if (!added.statementAdded) {
      throw new Error('AuditBucket readers: the audit key is imported, so its policy cannot let readers decrypt records; pass a key this app owns');
    }
  }
}
