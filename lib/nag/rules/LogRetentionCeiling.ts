import { render } from '../cfn-view';
import { judgeLogRetention } from '../judgements/retention';
import { namedAfterFile, type NagRule } from '../nag-rule';
import type { ResidencyPolicy } from '../residency-policy';
import { complianceOf } from '../verdict-compliance';

/**
 * A CloudWatch Logs group sets `RetentionInDays` to at most the ceiling. A missing value means
 * "never expire" and fails, as does a value the template does not show (a token).
 */
export default function LogRetentionCeiling(policy: ResidencyPolicy): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (node.cfnResourceType !== 'AWS::Logs::LogGroup') return complianceOf('NOT_APPLICABLE');
    return complianceOf(judgeLogRetention({ type: node.cfnResourceType, properties: render(node).properties }, policy));
  });
}
