import { grantsAction, isAllow, principalsOf, requiresMfa, statementsOf } from './policy-statements';
import { type ResourceProperties, type Verdict, verdictOf } from './verdict';

export interface RoleFacts extends ResourceProperties {
  /**
   * Whether an `AWS` principal value is a role (a workload, or a person already past MFA who chains
   * roles) rather than something a person signs in as. The template follows `Fn::GetAtt` to the
   * resource; at runtime principals are ARNs.
   */
  readonly isRolePrincipal: (value: unknown) => boolean;
}

/**
 * The judgement of `HumanRoleRequiresMfa`: every trust statement that lets an `AWS` principal other
 * than a role (an account, its root, an IAM user, `*`) assume the role demands MFA. Roles only
 * services or federated identities assume are not applicable.
 */
export function judgeHumanRoleMfa(role: RoleFacts): Verdict {
  if (role.type !== 'AWS::IAM::Role') return 'NOT_APPLICABLE';
  const humanStatements = statementsOf(role.properties.AssumeRolePolicyDocument).filter(
    (statement) =>
      isAllow(statement) &&
      grantsAction(statement, 'sts:AssumeRole') &&
      principalsOf(statement).some((p) => p.kind === '*' || (p.kind === 'AWS' && !role.isRolePrincipal(p.value))),
  );
  if (humanStatements.length === 0) return 'NOT_APPLICABLE';
  return verdictOf(humanStatements.every(requiresMfa));
}

/** A principal ARN that names a role or an assumed-role session. */
export function isRoleArn(value: unknown): boolean {
  return typeof value === 'string' && /:(?:assumed-)?role\//.test(value);
}
