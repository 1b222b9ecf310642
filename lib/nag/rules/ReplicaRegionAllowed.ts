import { judgeReplicaRegions } from '../judgements/residency';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { replicationRegions } from '../replication';
import type { ResidencyPolicy } from '../residency-policy';
import { complianceOf } from '../verdict-compliance';

/**
 * S3 replication destinations, DynamoDB replicas and KMS replica keys are in allowed regions.
 * A destination whose region the template does not show fails (fail closed).
 */
export default function ReplicaRegionAllowed(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) => complianceOf(judgeReplicaRegions(replicationRegions(node), policy)));
}
