/**
 * The levels the gateway's live headcounts alarm on, so compliance acts before the obligation
 * changes rather than after a regulator's visit: for each threshold of the CAC Provisions 2024
 * (Art. 7, Art. 8; see cac.ts) a warning at 80% and an alarm at 100%.
 *
 * The gateway counts distinct individuals (by HMAC token) per exporter, year and sensitivity,
 * counting only transfers under non-exempt purposes: Art. 5(1)–(3) flows do not count towards the
 * thresholds. This module turns those counts into levels; it does not count, store or alarm.
 */
import { nextStep, stepReached, thresholdSteps, type CacMechanism, type HeadcountKind, type ThresholdStep } from './cac';

/** Warn at 80% of a threshold: early enough to sign and file a standard contract or prepare an assessment. */
export const WARNING_PERCENT = 80;

export interface AlarmPoint {
  /** The threshold (inclusive, 以上): reaching it changes the mechanism. */
  readonly threshold: number;
  /** First count at or above WARNING_PERCENT of the threshold (rounded up, so never below it). */
  readonly warnAt: number;
  /** The count that reaches the threshold: alarm when the headcount is at or above it. */
  readonly alarmAt: number;
  readonly mechanismAtThreshold: Exclude<CacMechanism, 'exempt'>;
  readonly provision: string;
}

function alarmPointOf(step: ThresholdStep): AlarmPoint {
  return {
    threshold: step.atLeast,
    warnAt: Math.ceil((step.atLeast * WARNING_PERCENT) / 100),
    alarmAt: step.atLeast,
    mechanismAtThreshold: step.mechanism,
    provision: step.provision,
  };
}

/**
 * Every alarm point for one kind of headcount, lowest first: what static CloudWatch alarms on the
 * headcount metric are created from. A CIIO has one point at a single individual (Art. 7(1)).
 */
export function alarmPoints(kind: HeadcountKind, options: { ciio: boolean }): readonly AlarmPoint[] {
  return thresholdSteps(kind, options).map(alarmPointOf);
}

/** One row of the gateway's headcount table. */
export interface ExporterHeadcount {
  readonly exporter: string;
  /** Calendar year: counts run from 1 January ("自当年1月1日起累计"). */
  readonly year: number;
  readonly kind: HeadcountKind;
  /** Distinct individuals transferred this year under non-exempt purposes. */
  readonly distinctIndividuals: number;
}

export type HeadcountState = 'below_warning' | 'warning' | 'above_all_thresholds';

export interface ThresholdLevels extends ExporterHeadcount {
  /** What this headcount alone requires now. */
  readonly mechanismNow: CacMechanism;
  /** The last threshold reached, or null below the first. */
  readonly reached: AlarmPoint | null;
  /** The next threshold with its warning and alarm points, or null on the top rung. */
  readonly next: AlarmPoint | null;
  readonly state: HeadcountState;
}

export interface ThresholdLevelOptions {
  /** Exporters that are critical information infrastructure operators. */
  readonly ciioExporters?: readonly string[];
}

function assertHeadcount(row: ExporterHeadcount, index: number): void {
  if (!Number.isSafeInteger(row.distinctIndividuals) || row.distinctIndividuals < 0) {
    throw new RangeError(`headcounts[${index}].distinctIndividuals must be a non-negative whole number, got ${String(row.distinctIndividuals)}`);
  }
  if (!Number.isSafeInteger(row.year)) throw new RangeError(`headcounts[${index}].year must be a whole number, got ${String(row.year)}`);
  if (row.kind !== 'personal' && row.kind !== 'sensitive') {
    throw new RangeError(`headcounts[${index}].kind must be "personal" or "sensitive", got ${String(row.kind)}`);
  }
}

/**
 * The levels for each headcount. Throws RangeError on a malformed row, or when an exporter, year
 * and kind appear twice: summing them would double-count individuals, keeping one would hide some.
 */
export function thresholdLevels(headcounts: readonly ExporterHeadcount[], options: ThresholdLevelOptions = {}): ThresholdLevels[] {
  const seen = new Set<string>();
  return headcounts.map((row, index) => {
    assertHeadcount(row, index);
    const key = JSON.stringify([row.exporter, row.year, row.kind]);
    if (seen.has(key)) throw new RangeError(`headcounts[${index}] repeats exporter "${row.exporter}", year ${row.year}, kind ${row.kind}`);
    seen.add(key);

    const ladder = { ciio: options.ciioExporters?.includes(row.exporter) ?? false };
    const reached = stepReached(row.kind, row.distinctIndividuals, ladder);
    const next = nextStep(row.kind, row.distinctIndividuals, ladder);
    const nextPoint = next ? alarmPointOf(next) : null;
    const state: HeadcountState = !nextPoint
      ? 'above_all_thresholds'
      : row.distinctIndividuals >= nextPoint.warnAt
        ? 'warning'
        : 'below_warning';
    return {
      ...row,
      mechanismNow: reached?.mechanism ?? 'exempt',
      reached: reached ? alarmPointOf(reached) : null,
      next: nextPoint,
      state,
    };
  });
}
