import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ClassifiedBucket } from './classified-bucket';

export interface AppendOnlyBucketProps {
  /** The audit key: append-only records are audit records. */
  readonly encryptionKey: kms.IKey;
  readonly residency: string;
  readonly accessLogsBucket: s3.IBucket;
  readonly accessLogsPrefix: string;
  /** Object Lock COMPLIANCE retention of every object, in days. */
  readonly retentionDays: number;
  /** Sid of the bucket-policy statement that refuses overwrites. */
  readonly statementId: string;
  /** Prefixes whose objects are written once. */
  readonly writeOncePrefixes: readonly string[];
}

/**
 * An audit-class bucket whose objects are created once and never replaced: Object Lock COMPLIANCE,
 * and a bucket policy refusing any put without `If-None-Match` under the given prefixes (a plain
 * put would add a new current version over a record; Object Lock keeps the old one, but readers
 * would see the new). Used by the declaration ledger and the incident record.
 */
export function appendOnlyBucket(scope: Construct, id: string, props: AppendOnlyBucketProps): ClassifiedBucket {
  const store = new ClassifiedBucket(scope, id, {
    dataClass: 'audit',
    encryptionKey: props.encryptionKey,
    residency: props.residency,
    accessLogsBucket: props.accessLogsBucket,
    accessLogsPrefix: props.accessLogsPrefix,
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
  });
  store.bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: props.statementId,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: props.writeOncePrefixes.map((prefix) => store.bucket.arnForObjects(`${prefix}*`)),
      conditions: { Null: { 's3:if-none-match': 'true' } },
    }),
  );
  return store;
}
