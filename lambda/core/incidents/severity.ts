/**
 * Severity grading: the scales of the sources (GuardDuty's 0-10 number, Security Hub's ASFF label
 * or normalized 0-100, our security alarms) onto one scale, and the provisional grade under the CAC
 * grading guide (网络安全事件分级指南) an incident carries until a person grades it.
 */

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** CAC grades, lowest first: 一般 general, 较大 significant, 重大 major, 特别重大 especially major. */
export const CN_GRADES = ['general', 'significant', 'major', 'especially-major'] as const;
export type CnGrade = (typeof CN_GRADES)[number];

export const CN_GRADE_NAMES: Readonly<Record<CnGrade, string>> = {
  general: '一般',
  significant: '较大',
  major: '重大',
  'especially-major': '特别重大',
};

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function higherSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function cnGradeRank(grade: CnGrade): number {
  return CN_GRADES.indexOf(grade);
}

/**
 * GuardDuty: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0 (GuardDuty User Guide,
 * "Severity levels for GuardDuty findings"). A value outside 0-10 is refused, not guessed.
 */
export function guardDutySeverity(value: number): Severity {
  if (!Number.isFinite(value) || value < 0 || value > 10) throw new RangeError(`GuardDuty severity ${value} is outside 0-10`);
  if (value >= 9) return 'critical';
  if (value >= 7) return 'high';
  if (value >= 4) return 'medium';
  return 'low';
}

const ASFF_LABELS: Readonly<Record<string, Severity>> = {
  INFORMATIONAL: 'low',
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
};

/**
 * Security Hub (ASFF `Severity`): the label when present, else `Normalized` (0 informational,
 * 1-39 low, 40-69 medium, 70-89 high, 90-100 critical). Neither present is refused.
 */
export function securityHubSeverity(severity: { readonly Label?: string; readonly Normalized?: number } | undefined): Severity {
  const label = severity?.Label;
  if (label !== undefined) {
    const mapped = ASFF_LABELS[label];
    if (mapped === undefined) throw new RangeError(`Security Hub severity label "${label}" is not one of ${Object.keys(ASFF_LABELS).join(', ')}`);
    return mapped;
  }
  const normalized = severity?.Normalized;
  if (normalized === undefined || !Number.isFinite(normalized) || normalized < 0 || normalized > 100) {
    throw new RangeError('Security Hub finding has neither a severity label nor a normalized severity of 0-100');
  }
  if (normalized >= 90) return 'critical';
  if (normalized >= 70) return 'high';
  if (normalized >= 40) return 'medium';
  return 'low';
}

/**
 * Our security alarms (security-alarm-definitions.ts ids). Alarms that mean the audit record, a key
 * or the residency boundary may be compromised, or that the root or break-glass identity was used,
 * are high; the others (configuration changes that a change ticket usually explains) are medium.
 * An alarm this table does not name is high: fail closed.
 */
const ALARM_SEVERITY: Readonly<Record<string, Severity>> = {
  UnauthorizedApiCalls: 'medium',
  ConsoleSignInWithoutMfa: 'high',
  RootUsage: 'high',
  IamPolicyChanges: 'medium',
  CloudTrailChanges: 'high',
  ConsoleAuthenticationFailures: 'medium',
  KeyDisabledOrScheduledForDeletion: 'high',
  BucketPolicyChanges: 'medium',
  ConfigChanges: 'medium',
  SecurityGroupChanges: 'medium',
  NetworkAclChanges: 'medium',
  NetworkGatewayChanges: 'medium',
  RouteTableChanges: 'medium',
  VpcChanges: 'medium',
  OrganizationsChanges: 'medium',
  ApiCallsOutsideAllowedRegions: 'high',
  BreakGlassRoleUsed: 'high',
};

/** The severity of one of our alarms, from its name `<prefix>-<definition id>`. */
export function alarmSeverity(alarmName: string, prefix: string): Severity {
  const id = alarmName.startsWith(`${prefix}-`) ? alarmName.slice(prefix.length + 1) : alarmName;
  return ALARM_SEVERITY[id] ?? 'high';
}

/**
 * The CAC grade an incident is treated as until a person grades it: high and critical findings as
 * 较大 (so the report clock runs: fail closed), critical as 重大; medium and low as 一般, whose
 * report duty stays "unassessed" (reminded, not waived) until graded.
 */
export function provisionalCnGrade(severity: Severity): CnGrade {
  switch (severity) {
    case 'critical':
      return 'major';
    case 'high':
      return 'significant';
    default:
      return 'general';
  }
}

/** 特别重大 includes a leak of personal information of 100 million people or more (分级指南, 2025). */
export const CN_ESPECIALLY_MAJOR_PI_LEAK = 100_000_000;

/**
 * The grade a person records, raised to what the guide's one counting threshold demands: an
 * assessment of fewer than 较大 for a leak of 100 million people's information is refused upstream.
 */
export function gradeFloorForLeak(individuals: number): CnGrade | undefined {
  return individuals >= CN_ESPECIALLY_MAJOR_PI_LEAK ? 'especially-major' : undefined;
}
