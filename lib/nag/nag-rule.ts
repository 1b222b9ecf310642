import { parse } from 'path';
import type { CfnResource } from 'aws-cdk-lib';
import type { NagRuleResult } from './cdk-nag-core';

/** A cdk-nag rule: a pure function of one resource. */
export type NagRule = (node: CfnResource) => NagRuleResult;

/**
 * Names a rule after its file, as cdk-nag's own rules do: the name becomes the rule id suffix
 * (`CrossBorder-<File>`), so ids never drift from file names.
 */
export function namedAfterFile(file: string, rule: NagRule): NagRule {
  return Object.defineProperty(rule, 'name', { value: parse(file).name });
}
