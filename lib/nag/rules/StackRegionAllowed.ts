import { regionOf } from '../cfn-view';
import { judgeRegionAllowed } from '../judgements/residency';
import { namedAfterFile, type NagRule } from '../nag-rule';
import type { ResidencyPolicy } from '../residency-policy';
import { complianceOf } from '../verdict-compliance';

/**
 * Every resource is in a stack whose region is the home region or an allowed destination. An
 * environment-agnostic stack fails: where it deploys is decided at deploy time, so residency
 * cannot be shown from the template. The judgement is shared with the AWS Config twin.
 */
export default function StackRegionAllowed(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) => complianceOf(judgeRegionAllowed(regionOf(node), policy)));
}
