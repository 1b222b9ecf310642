import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tagClassified } from './data-classes';

export interface AccessLogsBucketProps {
  /** Region whose law governs the logs; written to the `residency` tag. */
  readonly residency: string;
  /**
   * Days an access-log object is kept before it expires (short retention: logs name requesters).
   * @default 90
   */
  readonly expireAfterDays?: number;
  /**
   * What happens to the bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Target bucket for S3 server access logs. S3 delivers access logs only to buckets encrypted with
 * SSE-S3 (not SSE-KMS) and without Object Lock, so this is the one store without a customer key;
 * it holds request metadata, never records. Public access blocked, TLS only, versioned, expiring.
 */
export class AccessLogsBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps) {
    super(scope, id);
    const expireAfterDays = props.expireAfterDays ?? 90;
    if (!Number.isInteger(expireAfterDays) || expireAfterDays < 1 || expireAfterDays > 365) {
      throw new Error(`AccessLogsBucket expireAfterDays: got ${expireAfterDays}; expected a whole number of days from 1 to 365`);
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'short-retention',
          expiration: Duration.days(expireAfterDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    tagClassified(this.bucket, 'access-logs', props.residency);
  }
}
