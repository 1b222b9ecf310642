import { Duration, Names, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { consolidateProps, defaultBucketProps } from '../vocabulary/secure-defaults';
import { sendEventsToEventBridge } from './bucket-events';
import { tagClassified } from './tag-classified';

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
    this.bucket = new s3.Bucket(
      this,
      'Bucket',
      consolidateProps(
        defaultBucketProps(),
        { removalPolicy: props.removalPolicy },
        {
          // S3 delivers server access logs only to SSE-S3 buckets.
          encryption: s3.BucketEncryption.S3_MANAGED,
          lifecycleRules: [
            {
              id: 'short-retention',
              expiration: Duration.days(expireAfterDays),
              noncurrentVersionExpiration: Duration.days(1),
              abortIncompleteMultipartUploadAfter: Duration.days(1),
            },
          ],
        },
      ),
    );
    sendEventsToEventBridge(this.bucket);
    tagClassified(this.bucket, 'access-logs', props.residency);
  }
}

/**
 * Sends a bucket's S3 server access logs to an access-log bucket under `prefix`. Wired on the L1
 * resource rather than through `serverAccessLogsBucket`, whose behaviour depends on a feature flag
 * (ACL grants without it). Delivery is granted by the log bucket's policy, scoped to the source
 * bucket and account, whatever flags the app sets. `owner` names the policy statement.
 */
export function deliverAccessLogs(owner: Construct, source: s3.Bucket, target: s3.IBucket, prefix: string): void {
  const cfnBucket = source.node.defaultChild as s3.CfnBucket;
  cfnBucket.loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix };
  target.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `S3ServerAccessLogsFor${Names.uniqueId(owner).slice(-48)}`,
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [target.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': source.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(owner).account },
      },
    }),
  );
}
