import { asArray, isJsonObject, isTrue, type JsonObject } from './values';

/** Reading IAM policy documents (trust policies, key policies); pure, shared by synth and runtime checks. */

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
