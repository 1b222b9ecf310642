import { NagRuleCompliance } from '../cdk-nag-core';
import { render } from '../cfn-view';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { grantsAction, isAllow, isRolePrincipal, principalsOf, requiresMfa, statementsOf } from '../policy-document';

/**
 * A role people can assume requires MFA: every trust statement that lets an `AWS` principal other
 * than a role (an account, its root, an IAM user, `*`, anything the template does not show) call
 * `sts:AssumeRole` carries `Bool: {aws:MultiFactorAuthPresent: true}`. Service and federated
 * principals are out of scope: services have no second factor, and federated sign-in enforces
 * MFA at the identity provider. Roles only machines assume are not applicable.
 */
export default function HumanRoleRequiresMfa(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (node.cfnResourceType !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;
    const humanStatements = statementsOf(render(node).properties.AssumeRolePolicyDocument).filter(
      (statement) =>
        isAllow(statement) &&
        grantsAction(statement, 'sts:AssumeRole') &&
        principalsOf(statement).some((p) => p.kind === '*' || (p.kind === 'AWS' && !isRolePrincipal(node, p.value))),
    );
    if (humanStatements.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    return humanStatements.every(requiresMfa) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}
