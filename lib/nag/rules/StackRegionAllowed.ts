import { NagRuleCompliance } from '../cdk-nag-core';
import { regionOf } from '../cfn-view';
import { namedAfterFile, type NagRule } from '../nag-rule';
import type { ResidencyPolicy } from '../residency-policy';

/**
 * Every resource is in a stack whose region is the home region or an allowed destination. An
 * environment-agnostic stack fails: where it deploys is decided at deploy time, so residency
 * cannot be shown from the template.
 */
export default function StackRegionAllowed(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) => {
    const region = regionOf(node);
    return region !== undefined && policy.allowedRegions.includes(region)
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  });
}
