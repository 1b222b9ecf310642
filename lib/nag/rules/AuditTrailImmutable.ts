import { NagRuleCompliance } from '../cdk-nag-core';
import { findBucket, isJsonObject, isTrue, render } from '../cfn-view';
import { namedAfterFile, type NagRule } from '../nag-rule';

/**
 * A CloudTrail trail validates its log files (signed, chained digests), encrypts them with a KMS
 * key, and writes them to a bucket (followed from `S3BucketName` to the bucket resource) that has
 * Object Lock on with a COMPLIANCE-mode default retention. A bucket the template does not declare
 * cannot be shown to be immutable and fails.
 */
export default function AuditTrailImmutable(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (node.cfnResourceType !== 'AWS::CloudTrail::Trail') return NagRuleCompliance.NOT_APPLICABLE;
    const trail = render(node).properties;
    const bucket = findBucket(node, trail.S3BucketName);
    const compliant =
      isTrue(trail.EnableLogFileValidation) &&
      trail.KMSKeyId !== undefined &&
      trail.KMSKeyId !== '' &&
      bucket !== undefined &&
      hasComplianceObjectLock(render(bucket).properties);
    return compliant ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}

function hasComplianceObjectLock(bucket: Record<string, unknown>): boolean {
  const config = bucket.ObjectLockConfiguration;
  if (!isTrue(bucket.ObjectLockEnabled) || !isJsonObject(config) || config.ObjectLockEnabled !== 'Enabled') return false;
  const retention = isJsonObject(config.Rule) ? config.Rule.DefaultRetention : undefined;
  if (!isJsonObject(retention) || retention.Mode !== 'COMPLIANCE') return false;
  const period = retention.Days ?? retention.Years;
  return typeof period === 'number' && period > 0;
}
