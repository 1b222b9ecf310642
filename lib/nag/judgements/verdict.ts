/**
 * The verdict of a CrossBorder judgement. The strings are AWS Config's compliance types, so the
 * Config Lambda reports them as they are; the cdk-nag rules map them to `NagRuleCompliance`.
 */
export type Verdict = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export function verdictOf(compliant: boolean): Verdict {
  return compliant ? 'COMPLIANT' : 'NON_COMPLIANT';
}

/** What a judgement needs of the residency policy (a subset of the pack's `ResidencyPolicy`). */
export interface JudgementPolicy {
  /** Where C2/C3 data lives; undefined means no home was configured, so no C2/C3 placement can pass. */
  readonly homeRegion?: string;
  /** Every region any resource may be in: the home region plus the allowed destinations. */
  readonly allowedRegions: readonly string[];
  /** Longest retention an operational log group may have, in days. */
  readonly maxLogRetentionDays: number;
}

/**
 * One resource as a judgement sees it: its CloudFormation type and CloudFormation-shaped properties
 * (from the synthesized template, or mapped from an AWS Config configuration item).
 */
export interface ResourceProperties {
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
}
