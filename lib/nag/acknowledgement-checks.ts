import type { Acknowledgement, AppliedAcknowledgement } from './acknowledgement-register';
import type { PluginReport } from '../report/validation-report';

/**
 * Pure checks over the acknowledgement register, for the test suite to fail on: an acknowledgement
 * past its review date, one that no longer matches a finding (stale), one that silences an
 * error-level rule for a whole stack, and one whose reason is too thin for an auditor.
 */

export const MIN_REASON_LENGTH = 25;

/** A finding as an acknowledgement must name it, on the construct it was raised on. */
export interface FindingRef {
  /** `AwsSolutions-IAM5[Action::s3:*]`, `CrossBorder-DataClassTagged`, `cdk-validator-cfnguard::<rule>`. */
  readonly findingId: string;
  readonly constructPath: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDay(date: Date | string): string {
  return typeof date === 'string' ? date : date.toISOString().slice(0, 10);
}

/**
 * Acknowledgements whose `reviewBy` date is before `today` (compared as YYYY-MM-DD, so the review
 * date itself is still valid). A `reviewBy` that is not a real YYYY-MM-DD date counts as expired:
 * an unreadable deadline is no deadline.
 */
export function expiredAcknowledgements(register: readonly Acknowledgement[], today: Date | string): Acknowledgement[] {
  const day = isoDay(today);
  return register.filter((ack) => {
    const parsed = new Date(`${ack.reviewBy}T00:00:00Z`);
    const valid = ISO_DATE.test(ack.reviewBy) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(ack.reviewBy);
    return !valid || ack.reviewBy < day;
  });
}

/** Whether a finding on `findingPath` is covered by an acknowledgement on `ackPath` (the construct or below). */
export function isCoveredBy(findingPath: string, ackPath: string): boolean {
  return findingPath === ackPath || findingPath.startsWith(`${ackPath}/`);
}

/**
 * Applied acknowledgements that match no finding: they landed nowhere, or no finding with their
 * rule id is raised on their construct or below. `findings` must be the raw findings, before
 * acknowledgement (e.g. `recordEvaluation` outcomes that are non-compliant, plus the acknowledged
 * findings of the validation report for plugins that are not NagPacks).
 */
export function staleAcknowledgements(applied: readonly AppliedAcknowledgement[], findings: readonly FindingRef[]): AppliedAcknowledgement[] {
  return applied.filter(
    ({ acknowledgement, paths }) =>
      !paths.some((ackPath) => findings.some((f) => f.findingId === acknowledgement.ruleId && isCoveredBy(f.constructPath, ackPath))),
  );
}

/** The rule id without a finding suffix: `AwsSolutions-IAM5[Action::s3:*]` → `AwsSolutions-IAM5`. */
export function baseRuleId(ruleId: string): string {
  return ruleId.replace(/\[.*\]$/, '');
}

/** Stack-level (`*`) acknowledgements of a rule whose level is error. */
export function stackWideErrorAcknowledgements(register: readonly Acknowledgement[], errorRuleIds: Iterable<string>): Acknowledgement[] {
  const errors = new Set(errorRuleIds);
  return register.filter((ack) => ack.construct === '*' && (errors.has(ack.ruleId) || errors.has(baseRuleId(ack.ruleId))));
}

/** Acknowledgements whose reason is shorter than `MIN_REASON_LENGTH` characters (after trimming). */
export function thinReasonAcknowledgements(register: readonly Acknowledgement[], minLength = MIN_REASON_LENGTH): Acknowledgement[] {
  return register.filter((ack) => ack.reason.trim().length < minLength);
}

/**
 * Findings of the validation report as acknowledgement ids: a NagPack reports ids that are already
 * acknowledgement ids; any other plugin's rule is namespaced with the plugin name, as CDK does.
 * Includes acknowledged findings, which is what the stale check needs for cfn-guard.
 */
export function findingRefsFromValidationReport(reports: readonly PluginReport[]): FindingRef[] {
  return reports.flatMap((report) =>
    report.findings.map((f) => ({
      findingId: f.ruleName.startsWith(`${report.pluginName}-`) ? f.ruleName : `${report.pluginName.replace(/ /g, '-')}::${f.ruleName}`,
      constructPath: f.constructPath,
    })),
  );
}

export interface RegisterCheckInput {
  readonly register: readonly Acknowledgement[];
  readonly applied: readonly AppliedAcknowledgement[];
  readonly findings: readonly FindingRef[];
  readonly errorRuleIds: Iterable<string>;
  readonly today: Date | string;
}

/** Every problem of the register as one readable line each; an empty list means the register is sound. */
export function registerProblems(input: RegisterCheckInput): string[] {
  const describe = (ack: Acknowledgement): string => `${ack.ruleId} on ${ack.construct}`;
  return [
    ...expiredAcknowledgements(input.register, input.today).map((a) => `${describe(a)}: review date ${a.reviewBy} has passed or is not a YYYY-MM-DD date (owner ${a.owner})`),
    ...staleAcknowledgements(input.applied, input.findings).map(({ acknowledgement: a, paths }) =>
      paths.length === 0 ? `${describe(a)}: matches no construct in the app` : `${describe(a)}: no such finding on ${paths.join(', ')} any more; remove it`,
    ),
    ...stackWideErrorAcknowledgements(input.register, input.errorRuleIds).map((a) => `${describe(a)}: an error-level rule may only be acknowledged per construct`),
    ...thinReasonAcknowledgements(input.register).map((a) => `${describe(a)}: reason must be at least ${MIN_REASON_LENGTH} characters for an auditor`),
  ];
}
