import { render } from '../cfn-view';
import { judgeHumanRoleMfa } from '../judgements/mfa';
import { namedAfterFile, type NagRule } from '../nag-rule';
import { isRolePrincipal } from '../policy-document';
import { complianceOf } from '../verdict-compliance';

/**
 * A role people can assume requires MFA: every trust statement that lets an `AWS` principal other
 * than a role (an account, its root, an IAM user, `*`, anything the template does not show) call
 * `sts:AssumeRole` carries `Bool: {aws:MultiFactorAuthPresent: true}`. Service and federated
 * principals are out of scope: services have no second factor, and federated sign-in enforces
 * MFA at the identity provider. Roles only machines assume are not applicable.
 */
export default function HumanRoleRequiresMfa(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (node.cfnResourceType !== 'AWS::IAM::Role') return complianceOf('NOT_APPLICABLE');
    return complianceOf(
      judgeHumanRoleMfa({ type: node.cfnResourceType, properties: render(node).properties, isRolePrincipal: (value) => isRolePrincipal(node, value) }),
    );
  });
}
