import { NagRuleCompliance } from '../cdk-nag-core';
import { render } from '../cfn-view';
import { namedAfterFile, type NagRule } from '../nag-rule';
import type { ResidencyPolicy } from '../residency-policy';

/**
 * A CloudWatch Logs group sets `RetentionInDays` to at most the ceiling. A missing value means
 * "never expire" and fails, as does a value the template does not show (a token).
 */
export default function LogRetentionCeiling(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (node.cfnResourceType !== 'AWS::Logs::LogGroup') return NagRuleCompliance.NOT_APPLICABLE;
    const days = render(node).properties.RetentionInDays;
    return typeof days === 'number' && days <= policy.maxLogRetentionDays
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  });
}
