import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ACKNOWLEDGEMENT_OWNER_METADATA, type AcknowledgementOwner } from './rule-recorder';

/**
 * One reasoned acknowledgement of a check-pack finding. All of them live in one register
 * (lib/nag/acknowledgements.ts) so security can review every exception in one place.
 */
export interface Acknowledgement {
  /** Rule id exactly as the pack reports it, e.g. `AwsSolutions-IAM5[Action::s3:*]`. */
  readonly ruleId: string;
  /**
   * Construct path relative to its stack (e.g. `Storage/AccessLogs/Resource`); it matches that
   * construct in every stack that has it. `*` acknowledges at stack level, which the test suite
   * refuses for error-level rules.
   */
  readonly construct: string;
  /** Why this is acceptable, written for an auditor (at least 25 characters). */
  readonly reason: string;
  /** Who answers for it. */
  readonly owner: string;
  /** When it must be looked at again (YYYY-MM-DD); the test suite fails once this date has passed. */
  readonly reviewBy: string;
}

const REVIEW_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Why an acknowledgement cannot be applied, or undefined when it can: every one names a rule, a
 * construct, an owner and a real YYYY-MM-DD review-by date (whether that date has passed is the
 * test suite's check, so an expired one still builds and shows up as expired).
 */
export function acknowledgementProblem(ack: Acknowledgement): string | undefined {
  const missing = (['ruleId', 'construct', 'reason', 'owner', 'reviewBy'] as const).filter((k) => typeof ack[k] !== 'string' || ack[k].trim() === '');
  if (missing.length > 0) return `acknowledgement of ${ack.ruleId || '(no rule)'} on ${ack.construct || '(no construct)'}: missing ${missing.join(', ')}`;
  const parsed = new Date(`${ack.reviewBy}T00:00:00Z`);
  if (!REVIEW_DATE.test(ack.reviewBy) || Number.isNaN(parsed.getTime()) || !parsed.toISOString().startsWith(ack.reviewBy)) {
    return `acknowledgement of ${ack.ruleId} on ${ack.construct}: reviewBy "${ack.reviewBy}" is not a YYYY-MM-DD date`;
  }
  return undefined;
}

/** Where an acknowledgement of the register landed in a given app. */
export interface AppliedAcknowledgement {
  readonly acknowledgement: Acknowledgement;
  /** Full construct paths it was applied to (empty: it matched nothing in this app). */
  readonly paths: readonly string[];
}

/** The constructs of every stack below `root` whose stack-relative path is `relativePath`. */
function findInStacks(root: IConstruct, relativePath: string): IConstruct[] {
  const found: IConstruct[] = [];
  for (const node of root.node.findAll()) {
    if (!Stack.isStack(node)) continue;
    if (relativePath === '*') {
      found.push(node);
      continue;
    }
    const target = node.node.tryFindChild(relativePath.split('/')[0]);
    if (!target) continue;
    const rest = relativePath.split('/').slice(1);
    let current: IConstruct | undefined = target;
    for (const id of rest) current = current?.node.tryFindChild(id);
    if (current) found.push(current);
  }
  return found;
}

/**
 * Applies every acknowledgement of the register to the matching constructs below `root`, through
 * `Validations.of(construct).acknowledge` (so packs registered with `writeSuppressionsToCloudFormation`
 * write the reason into the template), with its owner and review date next to it for the
 * evaluation record, and returns where each one landed. Throws, naming each, on an acknowledgement
 * without an owner or a valid review-by date.
 */
export function applyAcknowledgements(
  root: IConstruct,
  register: readonly Acknowledgement[],
): AppliedAcknowledgement[] {
  const problems = register.map(acknowledgementProblem).filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new Error(`the acknowledgement register is incomplete:\n  ${problems.join('\n  ')}`);
  return register.flatMap((acknowledgement) => {
    const byStack = new Map<Stack, IConstruct[]>();
    for (const target of findInStacks(root, acknowledgement.construct)) {
      const stack = Stack.of(target);
      byStack.set(stack, [...(byStack.get(stack) ?? []), target]);
    }
    if (byStack.size === 0) return [{ acknowledgement, paths: [] }];
    return [...byStack].map(([stack, targets]) => {
      const resolved = { ...acknowledgement, ruleId: resolveRuleId(acknowledgement.ruleId, stack) };
      const owner: AcknowledgementOwner = { id: resolved.ruleId, owner: resolved.owner, reviewBy: resolved.reviewBy };
      for (const target of targets) {
        Validations.of(target).acknowledge({ id: resolved.ruleId, reason: resolved.reason });
        target.node.addMetadata(ACKNOWLEDGEMENT_OWNER_METADATA, owner);
      }
      return { acknowledgement: resolved, paths: targets.map((t) => t.node.path) };
    });
  });
}

/**
 * Finding ids that name generated values are written with placeholders, resolved per stack:
 * `{region}` is the stack's region, `{logical:<stack-relative path>}` the CloudFormation logical id
 * of the resource at that path (as cdk-nag prints it inside `<...>`). A placeholder that names no
 * resource is left as it is, so the acknowledgement matches nothing and the suite reports it stale.
 */
export function resolveRuleId(ruleId: string, stack: Stack): string {
  return ruleId
    .replace(/\{region\}/g, stack.region)
    .replace(/\{logical:([^}]+)\}/g, (placeholder, path: string) => {
      let current: IConstruct | undefined = stack;
      for (const id of path.split('/')) current = current?.node.tryFindChild(id);
      return current instanceof CfnElement ? stack.getLogicalId(current) : placeholder;
    });
}

/**
 * Control Tower controls (cfn-guard) are acknowledged like pack rules, with the id from
 * `guardRuleId('CT.CLOUDWATCH.PR.2')` (= `cdk-validator-cfnguard::<guard rule name>`) as `ruleId`.
 */
export { guardRuleId } from './guard';
