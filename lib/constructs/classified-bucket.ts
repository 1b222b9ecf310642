import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { deliverAccessLogs } from './access-logs-bucket';
import { sendEventsToEventBridge } from './bucket-events';
import type { ClassTag } from '../vocabulary/data-classes';
import { consolidateProps, defaultBucketProps, kmsEncryptedBucketProps } from '../vocabulary/secure-defaults';
import { tagClassified } from './tag-classified';
import { grantObjectRead, grantObjectWrite } from './grants';

export interface ClassifiedBucketProps {
  /** Class of what the bucket holds (JR/T 0171 C1-C3, or an operational class); written to the `data-class` tag. */
  readonly dataClass: ClassTag;
  /** The class key. Encryption with it cannot be overridden. */
  readonly encryptionKey: kms.IKey;
  /** Region whose law governs the data; written to the `residency` tag. */
  readonly residency: string;
  /** Where S3 server access logs go (an SSE-S3 bucket without Object Lock). */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Prefix of this bucket's access logs in the log bucket.
   * @default '<dataClass>/'
   */
  readonly accessLogsPrefix?: string;
  /**
   * Days a replaced or deleted object version is kept (versioning protects against mistakes, not
   * as a second copy kept forever).
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Send object events to EventBridge (the transfer gateway reacts to new raw records).
   * @default true
   */
  readonly eventBridgeEnabled?: boolean;
  /**
   * Enable S3 Object Lock on the bucket (ledgers and audit records).
   * @default false
   */
  readonly objectLockEnabled?: boolean;
  /**
   * Default Object Lock retention, when Object Lock is enabled.
   * @default - no default retention
   */
  readonly objectLockDefaultRetention?: s3.ObjectLockRetention;
  /**
   * What happens to the bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Physical name, for buckets other stacks or service configurations must address before the
   * bucket exists (replication targets, notification sources).
   * @default - a generated name
   */
  readonly bucketName?: string;
}

/**
 * An S3 bucket for one data class: SSE-KMS with the class key and bucket keys, all public access
 * blocked, TLS 1.2+ only, versioned, access-logged, tagged `data-class` and `residency`.
 * Grants on the bucket also grant on its key.
 */
export class ClassifiedBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly encryptionKey: kms.IKey;
  public readonly dataClass: ClassTag;

  constructor(scope: Construct, id: string, props: ClassifiedBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
      throw new Error(`ClassifiedBucket noncurrentVersionExpirationDays: got ${noncurrentDays}; expected a whole number of days ≥ 1`);
    }
    this.dataClass = props.dataClass;
    this.encryptionKey = props.encryptionKey;
    this.bucket = new s3.Bucket(
      this,
      'Bucket',
      consolidateProps(
        defaultBucketProps(),
        {
          bucketName: props.bucketName,
          objectLockEnabled: props.objectLockEnabled,
          objectLockDefaultRetention: props.objectLockDefaultRetention,
          removalPolicy: props.removalPolicy,
        },
        {
          ...kmsEncryptedBucketProps(props.encryptionKey),
          lifecycleRules: [
            {
              id: 'expire-noncurrent-versions',
              noncurrentVersionExpiration: Duration.days(noncurrentDays),
              abortIncompleteMultipartUploadAfter: Duration.days(7),
            },
          ],
        },
      ),
    );
    deliverAccessLogs(this, this.bucket, props.accessLogsBucket, props.accessLogsPrefix ?? `${props.dataClass}/`);
    if (props.eventBridgeEnabled ?? true) sendEventsToEventBridge(this.bucket);
    tagClassified(this.bucket, props.dataClass, props.residency);
  }

  /** Read objects under a prefix, and decrypt them with the class key (through S3 only). */
  public grantRead(grantee: iam.IGrantable, prefix = ''): iam.Grant {
    return grantObjectRead(grantee, this.bucket, prefix);
  }

  /** Write objects under a prefix, and encrypt them with the class key (through S3 only). */
  public grantWrite(grantee: iam.IGrantable, prefix = ''): iam.Grant {
    return grantObjectWrite(grantee, this.bucket, prefix);
  }
}
