/**
 * The part of cdk-nag a rule and a pack need. `import 'cdk-nag'` loads every bundled pack and rule
 * (and through them most of aws-cdk-lib's service modules), which costs about a second per process
 * or test file; the CrossBorder pack and its rules need only the base class and the enums.
 */
export { NagPack, type IApplyRule, type NagPackProps } from 'cdk-nag/lib/nag-pack';
export { NagMessageLevel, NagRuleCompliance, type NagRuleResult } from 'cdk-nag/lib/nag-rules';
