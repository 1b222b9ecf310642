import { Token } from 'aws-cdk-lib';
import { LOG_RETENTION_CEILING_DAYS } from '../config';
import { isKnownRegion, KNOWN_REGIONS } from '../../lambda/core/regions';

/** What the CrossBorder rules check resources against. */
export interface ResidencyPolicy {
  /** Where C2/C3 data lives; undefined means no home was configured, so no C2/C3 placement can pass. */
  readonly homeRegion?: string;
  /** Every region any resource may be in: the home region plus the allowed destinations. */
  readonly allowedRegions: readonly string[];
  /** Longest retention an operational log group may have, in days. */
  readonly maxLogRetentionDays: number;
}

export interface ResidencyPolicyInput {
  readonly homeRegion?: string;
  readonly allowedRegions?: readonly string[];
  readonly maxLogRetentionDays?: number;
}

/**
 * Builds the policy from pack props, failing fast (one error naming every problem) on an unknown
 * region or a nonsensical ceiling: a check pack with a typo in its policy would certify nothing.
 */
export function residencyPolicy(input: ResidencyPolicyInput): ResidencyPolicy {
  const problems: string[] = [];
  const regions = [...(input.homeRegion === undefined ? [] : [input.homeRegion]), ...(input.allowedRegions ?? [])];
  for (const region of regions) {
    if (Token.isUnresolved(region) || !isKnownRegion(region)) {
      problems.push(`region "${region}" is not a known region (${KNOWN_REGIONS.join(', ')})`);
    }
  }
  const maxLogRetentionDays = input.maxLogRetentionDays ?? LOG_RETENTION_CEILING_DAYS;
  if (!Number.isInteger(maxLogRetentionDays) || maxLogRetentionDays < 1) {
    problems.push(`maxLogRetentionDays must be a whole number of days of at least 1, got ${maxLogRetentionDays}`);
  }
  if (problems.length > 0) {
    throw new Error(`CrossBorderChecks: invalid residency policy:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    homeRegion: input.homeRegion,
    allowedRegions: [...new Set(regions)],
    maxLogRetentionDays,
  };
}
