import * as fs from 'node:fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { CHECKS_METADATA_KEY, type RecordedCheck } from '../nag/register-checks';
import { recordEvaluation, RECORDABLE_PACKS, type RuleDescription, type RuleOutcome } from '../nag/rule-recorder';
import type { AssemblyStack } from './cloud-assembly';

/**
 * Re-runs the recorded NagPacks over the synthesized templates (loaded with `cloudformation-include`,
 * which rebuilds the same L1 classes the packs inspect) to learn what the validation report leaves
 * out: every resource each rule applied to and passed, and findings cdk-nag dropped because they
 * were acknowledged. Outcomes carry the original construct paths.
 */

export interface Reevaluation {
  readonly checks: readonly RecordedCheck[];
  readonly rules: ReadonlyMap<string, RuleDescription>;
  readonly outcomes: readonly (RuleOutcome & { readonly stack: AssemblyStack; readonly logicalId: string })[];
  /** What could not be re-evaluated, for the report to say so. */
  readonly gaps: readonly string[];
}

const INCLUDE_ID = 'Template';

function isRecordedCheck(value: unknown): value is RecordedCheck {
  return value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string';
}

/** The checks recorded by `registerChecks` in the templates' metadata, de-duplicated by name. */
export function recordedChecks(stacks: readonly AssemblyStack[]): RecordedCheck[] {
  const byName = new Map<string, RecordedCheck>();
  for (const stack of stacks) {
    const recorded = stack.template.Metadata?.[CHECKS_METADATA_KEY];
    for (const check of Array.isArray(recorded) ? recorded.filter(isRecordedCheck) : []) {
      if (!byName.has(check.name)) byName.set(check.name, check);
    }
  }
  return [...byName.values()];
}

export function reevaluate(assemblyDir: string, stacks: readonly AssemblyStack[]): Reevaluation {
  const checks = recordedChecks(stacks);
  const gaps: string[] = [];
  if (checks.length === 0) {
    gaps.push(`No template records its checks (${CHECKS_METADATA_KEY}); register packs with registerChecks() to get "pass" results.`);
  }
  // A scratch app only for re-running the packs: no metadata resource of its own (the included
  // templates already carry the CLI's CDKMetadata), never synthesized.
  const app = new App({ builtinCloudFormationValidation: false, analyticsReporting: false, autoSynth: false });
  const included = new Map<Stack, AssemblyStack>();
  for (const [index, stack] of stacks.entries()) {
    // Named by position, not by how many loaded: a template that fails to load must not make the next reuse its name.
    const scope = new Stack(app, `S${index}`, { env: { account: stack.account, region: stack.region } });
    try {
      new CfnInclude(scope, INCLUDE_ID, { templateFile: path.join(assemblyDir, stack.templateFile), preserveLogicalIds: true });
      included.set(scope, stack);
    } catch (err) {
      gaps.push(`${stack.path}: template could not be loaded for re-evaluation (${err instanceof Error ? err.message : String(err)}); only the validation report's findings are shown.`);
    }
  }
  const selections = checks
    .filter((check) => RECORDABLE_PACKS.includes(check.name))
    .map((check) => ({ name: check.name, ...(check.policy === undefined ? {} : { crossBorder: check.policy }) }));
  const { rules, outcomes } = recordEvaluation(app, selections);
  const byScopeId = new Map([...included.entries()].map(([scope, stack]) => [scope.node.id, stack]));
  const mapped = outcomes.flatMap((outcome) => {
    const [scopeId, includeId, logicalId] = outcome.constructPath.split('/');
    const stack = byScopeId.get(scopeId);
    if (stack === undefined || includeId !== INCLUDE_ID || logicalId === undefined) return [];
    const constructPath = stack.constructPathByLogicalId.get(logicalId) ?? `${stack.path}/${logicalId}`;
    return [{ ...outcome, constructPath, stack, logicalId }];
  });
  // The packs judge L1 classes (CfnFunction, CfnRole...). Resources built as plain CfnResource,
  // such as CDK's own custom-resource providers, are not evaluated at synth; re-reading the template
  // would judge them anyway and report findings synth never had. Keep the report consistent with
  // synth, and name what neither evaluates.
  const plain = plainCfnResourcePaths(assemblyDir);
  const skipped = [...new Set(mapped.filter((o) => plain.has(o.constructPath)).map((o) => o.constructPath))];
  if (skipped.length > 0) {
    gaps.push(`Not evaluated by the packs, at synth or here (plain CfnResource, e.g. CDK framework providers): ${skipped.sort().join(', ')}.`);
  }
  const judged = mapped.filter((o) => !plain.has(o.constructPath)).map((o) => judgeFromTemplate(o));
  return { checks, rules, outcomes: judged, gaps };
}

/**
 * Rules that look at the construct tree rather than the template cannot be re-read from a template:
 * `VPCDefaultSecurityGroupClosed` looks for CDK's restrict-default-SG custom resource among the
 * VPC's children. From the template, the same fact is a `Custom::VpcRestrictDefaultSG` resource
 * pointing at that VPC's default security group.
 */
function judgeFromTemplate<T extends RuleOutcome & { stack: AssemblyStack; logicalId: string }>(outcome: T): T {
  if (!outcome.ruleId.endsWith('-VPCDefaultSecurityGroupClosed') || outcome.status === 'compliant') return outcome;
  const closed = Object.values(outcome.stack.template.Resources ?? {}).some((resource) => {
    const target = (resource.Properties as { DefaultSecurityGroupId?: { 'Fn::GetAtt'?: unknown[] } } | undefined)?.DefaultSecurityGroupId?.['Fn::GetAtt'];
    return resource.Type === 'Custom::VpcRestrictDefaultSG' && Array.isArray(target) && target[0] === outcome.logicalId;
  });
  return closed ? { ...outcome, findingId: outcome.ruleId, status: 'compliant' } : outcome;
}

interface TreeNode {
  readonly path?: string;
  readonly children?: Record<string, TreeNode>;
  readonly constructInfo?: { readonly fqn?: string };
}

/** Construct paths of resources declared as plain `CfnResource` (from the assembly's tree.json). */
function plainCfnResourcePaths(assemblyDir: string): Set<string> {
  const paths = new Set<string>();
  const treeFile = path.join(assemblyDir, 'tree.json');
  if (!fs.existsSync(treeFile)) return paths;
  const visit = (node: TreeNode) => {
    if (node.constructInfo?.fqn === 'aws-cdk-lib.CfnResource' && node.path) paths.add(node.path);
    for (const child of Object.values(node.children ?? {})) visit(child);
  };
  visit((JSON.parse(fs.readFileSync(treeFile, 'utf8')) as { tree: TreeNode }).tree);
  return paths;
}
