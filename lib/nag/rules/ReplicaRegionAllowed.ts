import { NagRuleCompliance } from '../cdk-nag-core';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { replicationRegions } from '../replication';
import type { ResidencyPolicy } from '../residency-policy';

/**
 * S3 replication destinations, DynamoDB replicas and KMS replica keys are in allowed regions.
 * A destination whose region the template does not show fails (fail closed).
 */
export default function ReplicaRegionAllowed(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) => {
    const regions = replicationRegions(node);
    if (regions.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    return regions.every((region) => region !== undefined && policy.allowedRegions.includes(region))
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  });
}
