import { Stack, Token, type CfnResource } from 'aws-cdk-lib';
import { intrinsicText, isJsonObject, referencedLogicalId, resourceInStack } from './cfn-view';

export { actionPatternMatches, grantsAction, isAllow, principalsOf, requiresMfa, statementsOf, type Principal } from './judgements/policy-statements';

/** Reading resolved IAM policy documents (trust policies, key policies) for the CrossBorder rules. */

/** Whether a principal value is the root of the node's own account (the key-policy delegation to IAM). */
export function isOwnAccountRoot(node: CfnResource, value: unknown): boolean {
  const account = Stack.of(node).account;
  const accountPatterns = ['\\$\\{AWS::AccountId\\}', ...(Token.isUnresolved(account) ? [] : [account])];
  const accountExpr = `(?:${accountPatterns.join('|')})`;
  const text = intrinsicText(value);
  return new RegExp(`^(?:${accountExpr}|arn:(?:\\$\\{AWS::Partition\\}|aws[a-z-]*):iam::${accountExpr}:root)$`).test(text);
}

/**
 * Whether an `AWS` principal is a role (a workload, or a person already past MFA who chains roles)
 * rather than something a person signs in as: an account, its root, an IAM user, or anything unknown.
 */
export function isRolePrincipal(node: CfnResource, value: unknown): boolean {
  if (isJsonObject(value) && value['Fn::GetAtt'] !== undefined) {
    const logicalId = referencedLogicalId(value);
    return logicalId !== undefined && resourceInStack(node, logicalId)?.cfnResourceType === 'AWS::IAM::Role';
  }
  return /:(?:assumed-)?role\//.test(intrinsicText(value));
}

