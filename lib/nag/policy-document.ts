import { Stack, Token, type CfnResource } from 'aws-cdk-lib';
import { asArray, intrinsicText, isJsonObject, isTrue, referencedLogicalId, resourceInStack, type JsonObject } from './cfn-view';

/** Reading resolved IAM policy documents (trust policies, key policies) for the CrossBorder rules. */

export function statementsOf(document: unknown): JsonObject[] {
  return isJsonObject(document) ? asArray(document.Statement).filter(isJsonObject) : [];
}

export function isAllow(statement: JsonObject): boolean {
  return statement.Effect === 'Allow';
}

export interface Principal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for the bare wildcard principal. */
  readonly kind: string;
  readonly value: unknown;
}

export function principalsOf(statement: JsonObject): Principal[] {
  const principal = statement.Principal;
  if (principal === '*') return [{ kind: '*', value: '*' }];
  if (!isJsonObject(principal)) return [];
  return Object.entries(principal).flatMap(([kind, values]) => asArray(values).map((value) => ({ kind, value })));
}

/** Whether an IAM action pattern (`kms:Put*`, `*`) covers an action; IAM matching is case-insensitive. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

/** Whether a statement grants `action` (through Action patterns, or through NotAction not excluding it). */
export function grantsAction(statement: JsonObject, action: string): boolean {
  if (statement.NotAction !== undefined) {
    return !asArray(statement.NotAction).some((p) => typeof p === 'string' && actionPatternMatches(p, action));
  }
  return asArray(statement.Action).some((p) => typeof p === 'string' && actionPatternMatches(p, action));
}

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

/** Whether a statement's condition demands `aws:MultiFactorAuthPresent` = true (Bool, not BoolIfExists). */
export function requiresMfa(statement: JsonObject): boolean {
  const condition = statement.Condition;
  if (!isJsonObject(condition)) return false;
  const bool = Object.entries(condition).find(([operator]) => operator.toLowerCase() === 'bool')?.[1];
  if (!isJsonObject(bool)) return false;
  const mfa = Object.entries(bool).find(([key]) => key.toLowerCase() === 'aws:multifactorauthpresent')?.[1];
  const values = asArray(mfa);
  return values.length > 0 && values.every(isTrue);
}
