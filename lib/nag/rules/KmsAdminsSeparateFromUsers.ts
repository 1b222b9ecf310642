import { NagRuleCompliance } from '../cdk-nag-core';
import { render } from '../cfn-view';
import { KEY_POLICY_TYPES, KMS_ADMIN_ACTIONS, KMS_USAGE_ACTIONS } from '../../vocabulary/kms-duties';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { grantsAction, isAllow, isOwnAccountRoot, principalsOf, statementsOf } from '../policy-document';

/**
 * No principal of a key policy (other than the account-root delegation) holds both an
 * administrative action (PutKeyPolicy, ScheduleKeyDeletion, ...) and a cryptographic one
 * (Decrypt, GenerateDataKey*, ...), counted across all Allow statements naming it.
 */
export default function KmsAdminsSeparateFromUsers(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (!KEY_POLICY_TYPES.includes(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const duties = new Map<string, { admin: boolean; usage: boolean }>();
    for (const statement of statementsOf(render(node).properties.KeyPolicy).filter(isAllow)) {
      const admin = KMS_ADMIN_ACTIONS.some((action) => grantsAction(statement, action));
      const usage = KMS_USAGE_ACTIONS.some((action) => grantsAction(statement, action));
      for (const principal of principalsOf(statement)) {
        if (principal.kind === 'AWS' && isOwnAccountRoot(node, principal.value)) continue;
        const key = `${principal.kind}:${JSON.stringify(principal.value)}`;
        const seen = duties.get(key) ?? { admin: false, usage: false };
        duties.set(key, { admin: seen.admin || admin, usage: seen.usage || usage });
      }
    }
    return [...duties.values()].some((d) => d.admin && d.usage) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  });
}
