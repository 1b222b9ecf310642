import { Duration } from 'aws-cdk-lib';
import { CfnTrail, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, ObjectLockRetention, type BucketProps } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { flaggedBy, homeStack } from '../support/nag-fixtures';

const compliance: BucketProps = { objectLockEnabled: true, objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(400)) };

function trail(scope: Construct, id: string, bucketProps: BucketProps, options: { validation?: boolean; key?: boolean } = {}): Trail {
  return new Trail(scope, id, {
    bucket: new Bucket(scope, `${id}Bucket`, bucketProps),
    enableFileValidation: options.validation ?? true,
    encryptionKey: options.key === false ? undefined : new Key(scope, `${id}Key`),
  });
}

describe('CrossBorder-AuditTrailImmutable', () => {
  test('flags trails without validation or KMS, or whose bucket lacks COMPLIANCE Object Lock or is not in the template', () => {
    const { app, stack } = homeStack();
    trail(stack, 'NoValidation', compliance, { validation: false });
    trail(stack, 'NoKey', compliance, { key: false });
    trail(stack, 'Unlocked', {});
    trail(stack, 'Governance', { objectLockEnabled: true, objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(400)) });
    new CfnTrail(stack, 'External', { isLogging: true, s3BucketName: 'someone-elses-bucket', enableLogFileValidation: true, kmsKeyId: 'alias/audit' });
    expect(flaggedBy(app, 'AuditTrailImmutable').sort()).toEqual([
      'Home/External',
      'Home/Governance/Resource',
      'Home/NoKey/Resource',
      'Home/NoValidation/Resource',
      'Home/Unlocked/Resource',
    ]);
  });

  test('passes a validated, encrypted trail writing to a COMPLIANCE-locked bucket', () => {
    const { app, stack } = homeStack();
    trail(stack, 'Audit', compliance);
    expect(flaggedBy(app, 'AuditTrailImmutable')).toEqual([]);
  });
});
