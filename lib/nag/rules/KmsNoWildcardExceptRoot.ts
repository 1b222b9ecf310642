import { NagRuleCompliance } from '../cdk-nag-core';
import { asArray, render } from '../cfn-view';
import { KEY_POLICY_TYPES } from '../../vocabulary/kms-duties';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { isAllow, isOwnAccountRoot, principalsOf, statementsOf } from '../policy-document';

/**
 * A key policy grants every KMS action (`kms:*`, `*`, or an Allow with `NotAction`) only in the
 * statement that delegates the key to the account's own root, i.e. to IAM policies of that account.
 */
export default function KmsNoWildcardExceptRoot(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (!KEY_POLICY_TYPES.includes(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const broad = statementsOf(render(node).properties.KeyPolicy).filter(
      (statement) =>
        isAllow(statement) &&
        (statement.NotAction !== undefined ||
          asArray(statement.Action).some((a) => typeof a === 'string' && (a === '*' || a.toLowerCase() === 'kms:*'))),
    );
    const onlyRoot = broad.every((statement) => {
      const principals = principalsOf(statement);
      return principals.length > 0 && principals.every((p) => p.kind === 'AWS' && isOwnAccountRoot(node, p.value));
    });
    return onlyRoot ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}
