/**
 * Which mechanism a year's outbound transfers from mainland China need under the CAC Provisions on
 * Promoting and Regulating Cross-Border Data Flows (in force 22 March 2024): none (`exempt`), a filed
 * standard contract or a certification, or a CAC security assessment.
 *
 * Counts are distinct individuals, cumulative since 1 January of the year ("自当年1月1日起累计").
 * The Provisions use 以上 ("and above": inclusive) and 不满 ("fewer than": exclusive), so every
 * threshold here is an `atLeast` value and "below" is strictly less than it.
 * Flows are summed: the same individual in two flows counts twice, a conservative upper bound.
 * Flows exempt under Art. 4, Art. 5(1)–(3) or Art. 6 do not count (see cac-exemptions.ts).
 *
 * Pure: no I/O, no clock. Callers validate raw input with schema.ts first; the assertions here only
 * stop a programming error from producing a decision (fail closed).
 */
import {
  exemptionKey,
  exemptionText,
  flowExemption,
  outsideNegativeList,
  ART6_PROVISION,
  type ExemptableFlow,
  type FlowExemption,
  type FreeTradeZone,
} from './cac-exemptions';
import { isPurpose, type Purpose } from './purposes';

/** Ordered weakest first: the order in which "adding subjects never weakens the mechanism" holds. */
export const CAC_MECHANISMS = ['exempt', 'standard_contract_or_certification', 'security_assessment'] as const;
export type CacMechanism = (typeof CAC_MECHANISMS)[number];

export function mechanismRank(mechanism: CacMechanism): number {
  return CAC_MECHANISMS.indexOf(mechanism);
}

export function strongerMechanism(a: CacMechanism, b: CacMechanism): CacMechanism {
  return mechanismRank(a) >= mechanismRank(b) ? a : b;
}

/** `personal`: non-sensitive personal information ("个人信息（不含敏感个人信息）"); `sensitive`: sensitive PI. */
export type HeadcountKind = 'personal' | 'sensitive';

export const CAC_THRESHOLDS = {
  /** Art. 8: 10万人以上 non-sensitive → standard contract; Art. 5(4): 不满10万人 → exempt (non-CIIO). */
  personalStandardContract: 100_000,
  /** Art. 7(2): 100万人以上 non-sensitive → security assessment. */
  personalSecurityAssessment: 1_000_000,
  /** Art. 8: 不满1万人 sensitive → standard contract; there is no floor, so it starts at one individual. */
  sensitiveStandardContract: 1,
  /** Art. 7(2): 1万人以上 sensitive → security assessment. */
  sensitiveSecurityAssessment: 10_000,
} as const;

export const PROVISION = {
  art2: 'CAC Provisions 2024 Art. 2',
  art3: 'CAC Provisions 2024 Art. 3',
  art5_4: 'CAC Provisions 2024 Art. 5(4)',
  art7_1: 'CAC Provisions 2024 Art. 7(1)',
  art7_2: 'CAC Provisions 2024 Art. 7(2)',
  art8: 'CAC Provisions 2024 Art. 8',
} as const;

/** One rung of a headcount ladder: from `atLeast` individuals (inclusive) the mechanism applies. */
export interface ThresholdStep {
  readonly atLeast: number;
  readonly mechanism: Exclude<CacMechanism, 'exempt'>;
  readonly provision: string;
}

/**
 * The thresholds for one kind of headcount, lowest first. A CIIO has a single rung at one
 * individual: Art. 7(1) requires an assessment for any (non-exempt) personal information, and the
 * Art. 5(4) volume exemption is for processors other than CIIOs.
 */
export function thresholdSteps(kind: HeadcountKind, options: { ciio: boolean }): readonly ThresholdStep[] {
  if (options.ciio) return [{ atLeast: 1, mechanism: 'security_assessment', provision: PROVISION.art7_1 }];
  const t = CAC_THRESHOLDS;
  return kind === 'personal'
    ? [
        { atLeast: t.personalStandardContract, mechanism: 'standard_contract_or_certification', provision: PROVISION.art8 },
        { atLeast: t.personalSecurityAssessment, mechanism: 'security_assessment', provision: PROVISION.art7_2 },
      ]
    : [
        { atLeast: t.sensitiveStandardContract, mechanism: 'standard_contract_or_certification', provision: PROVISION.art8 },
        { atLeast: t.sensitiveSecurityAssessment, mechanism: 'security_assessment', provision: PROVISION.art7_2 },
      ];
}

/** The highest rung a count has reached, or undefined while it is below the first one. */
export function stepReached(kind: HeadcountKind, count: number, options: { ciio: boolean }): ThresholdStep | undefined {
  return thresholdSteps(kind, options).filter((step) => count >= step.atLeast).pop();
}

/** The first rung a count has not reached yet, or undefined when it is on the top rung. */
export function nextStep(kind: HeadcountKind, count: number, options: { ciio: boolean }): ThresholdStep | undefined {
  return thresholdSteps(kind, options).find((step) => count < step.atLeast);
}

export interface Headroom {
  /** Individuals counted towards the thresholds this year. */
  readonly counted: number;
  /** The next threshold (inclusive), or null on the top rung. */
  readonly nextThreshold: number | null;
  /** Further individuals that can be transferred this year while staying below it: nextThreshold − counted − 1. */
  readonly additionalBeforeThreshold: number | null;
  /** What the next threshold requires, and where. */
  readonly mechanismAtThreshold: CacMechanism | null;
  readonly provisionAtThreshold: string | null;
}

export function headroomFor(kind: HeadcountKind, counted: number, options: { ciio: boolean }): Headroom {
  const next = nextStep(kind, counted, options);
  return {
    counted,
    nextThreshold: next?.atLeast ?? null,
    additionalBeforeThreshold: next ? next.atLeast - counted - 1 : null,
    mechanismAtThreshold: next?.mechanism ?? null,
    provisionAtThreshold: next?.provision ?? null,
  };
}

export interface CacFlow extends ExemptableFlow {
  readonly purpose: Purpose;
  /** Distinct individuals whose non-sensitive personal information this flow sent abroad this year. */
  readonly personal: number;
  /** Distinct individuals whose sensitive personal information (PIPL Art. 28) this flow sent abroad this year. */
  readonly sensitive: number;
  /** Whether the flow carries data the authorities have notified or published as important data (Art. 2). */
  readonly importantData: boolean;
}

export interface CacAssessmentInput {
  /** Whether the exporter is a critical information infrastructure operator. */
  readonly ciio: boolean;
  /**
   * The pilot free trade zone the exporter is in, with its negative list (Art. 6).
   * @default - not in a zone: Art. 6 does not apply
   */
  readonly freeTradeZone?: FreeTradeZone;
  readonly flows: readonly CacFlow[];
}

export interface CacReason {
  readonly provision: string;
  /** What this finding requires on its own; the decision is the strongest of them. */
  readonly mechanism: CacMechanism;
  readonly finding: string;
  /** Which count was compared with which threshold, where the finding rests on one. */
  readonly measure?: {
    readonly count: HeadcountKind;
    readonly value: number;
    readonly threshold: number;
    readonly relation: 'at_or_above' | 'below';
  };
}

export interface CacAssessment {
  readonly mechanism: CacMechanism;
  /** The mechanism the headcounts alone require (important data left aside): thresholds are per exporter. */
  readonly personalInformationMechanism: CacMechanism;
  readonly importantData: boolean;
  readonly reasons: readonly CacReason[];
  /** Summed over non-exempt flows: these are compared with the thresholds. */
  readonly counted: Readonly<Record<HeadcountKind, number>>;
  /** Summed over exempt flows (Art. 4, Art. 5(1)–(3), Art. 6): reported, never compared. */
  readonly excluded: Readonly<Record<HeadcountKind, number>>;
  readonly headroom: Readonly<Record<HeadcountKind, Headroom>>;
}

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(count: number): string {
  return numberFormat.format(count);
}

function assertFlow(flow: CacFlow, index: number): void {
  if (!isPurpose(flow.purpose)) throw new RangeError(`flows[${index}].purpose "${String(flow.purpose)}" is not a known purpose`);
  for (const kind of ['personal', 'sensitive'] as const) {
    if (!Number.isSafeInteger(flow[kind]) || flow[kind] < 0) {
      throw new RangeError(`flows[${index}].${kind} must be a non-negative whole number, got ${String(flow[kind])}`);
    }
  }
}

const KIND_LABEL: Readonly<Record<HeadcountKind, string>> = {
  personal: 'non-sensitive personal information',
  sensitive: 'sensitive personal information',
};

/** "1 individual's", "10 individuals'". */
function individualsOf(count: number): string {
  return count === 1 ? `${formatCount(count)} individual's` : `${formatCount(count)} individuals'`;
}

/** The finding for one headcount of a processor that is not a CIIO. */
function countReason(kind: HeadcountKind, count: number): CacReason {
  const what = `${individualsOf(count)} ${KIND_LABEL[kind]} counted`;
  const reached = stepReached(kind, count, { ciio: false });
  const next = nextStep(kind, count, { ciio: false });
  if (reached) {
    const below = next ? ` and below ${formatCount(next.atLeast)}` : '';
    const floor = kind === 'sensitive' && next ? ' (sensitive personal information has no de-minimis floor)' : '';
    return {
      provision: reached.provision,
      mechanism: reached.mechanism,
      finding: `${what}: at or above ${formatCount(reached.atLeast)}${below}${floor}`,
      measure: { count: kind, value: count, threshold: reached.atLeast, relation: 'at_or_above' },
    };
  }
  const first = thresholdSteps(kind, { ciio: false })[0];
  if (kind === 'personal') {
    return {
      provision: PROVISION.art5_4,
      mechanism: 'exempt',
      finding: `${what}: below ${formatCount(first.atLeast)}, and the exporter is not a CIIO`,
      measure: { count: kind, value: count, threshold: first.atLeast, relation: 'below' },
    };
  }
  return {
    provision: PROVISION.art8,
    mechanism: 'exempt',
    finding: 'no sensitive personal information counted: no sensitive-information obligation arises',
    measure: { count: kind, value: count, threshold: first.atLeast, relation: 'below' },
  };
}

function ciioReasons(counted: Readonly<Record<HeadcountKind, number>>): CacReason[] {
  const kinds = (['personal', 'sensitive'] as const).filter((kind) => counted[kind] > 0);
  if (kinds.length === 0) {
    return [
      {
        provision: PROVISION.art7_1,
        mechanism: 'exempt',
        finding:
          'the exporter is a CIIO and no non-exempt personal information is counted; the Art. 5(4) volume exemption is not open to a CIIO, so the first such individual requires a security assessment',
      },
    ];
  }
  return kinds.map((kind) => ({
    provision: PROVISION.art7_1,
    mechanism: 'security_assessment' as const,
    finding: `the exporter is a CIIO and transfers ${individualsOf(counted[kind])} non-exempt ${KIND_LABEL[kind]}: a security assessment is required for any amount`,
    measure: { count: kind, value: counted[kind], threshold: 1, relation: 'at_or_above' as const },
  }));
}

function importantDataReasons(input: CacAssessmentInput): CacReason[] {
  return input.flows.flatMap((flow, index) => {
    if (!flow.importantData) return [];
    const exemption = flowExemption(flow, input.freeTradeZone);
    const notCovered = exemption
      ? `; the ${exemptionText(exemption).provision} exemption covers personal information only, never important data`
      : '';
    const zone = outsideNegativeList(flow, input.freeTradeZone)
      ? `; ${ART6_PROVISION} is not applied to notified important data, which belongs on the zone's negative list`
      : '';
    return [
      {
        provision: input.ciio ? PROVISION.art7_1 : PROVISION.art7_2,
        mechanism: 'security_assessment' as const,
        finding: `flows[${index}] (${flow.purpose}) carries important data (data the authorities notified or published as such, ${PROVISION.art2}): a security assessment is required whatever the headcount${notCovered}${zone}`,
      },
    ];
  });
}

function exemptionReasons(input: CacAssessmentInput): CacReason[] {
  const groups = new Map<string, { exemption: FlowExemption; members: CacFlow[] }>();
  for (const flow of input.flows) {
    const exemption = flowExemption(flow, input.freeTradeZone);
    if (!exemption) continue;
    const group = groups.get(exemptionKey(exemption)) ?? { exemption, members: [] };
    group.members.push(flow);
    groups.set(exemptionKey(exemption), group);
  }
  return [...groups.values()].map(({ exemption, members }) => {
    const purposes = [...new Set(members.map((f) => f.purpose))].join(', ');
    const personal = members.reduce((sum, f) => sum + f.personal, 0);
    const sensitive = members.reduce((sum, f) => sum + f.sensitive, 0);
    const { provision, requirement } = exemptionText(exemption);
    return {
      provision,
      mechanism: 'exempt' as const,
      finding: `${members.length} flow${members.length === 1 ? '' : 's'} (${purposes}) ${requirement}: their ${formatCount(personal)} non-sensitive and ${formatCount(sensitive)} sensitive individuals do not count towards the thresholds`,
    };
  });
}

/** Decide the mechanism for one exporter's year of outbound flows. Throws RangeError on malformed input. */
export function assessCac(input: CacAssessmentInput): CacAssessment {
  input.flows.forEach(assertFlow);
  const counted = { personal: 0, sensitive: 0 };
  const excluded = { personal: 0, sensitive: 0 };
  for (const flow of input.flows) {
    const bucket = flowExemption(flow, input.freeTradeZone) ? excluded : counted;
    bucket.personal += flow.personal;
    bucket.sensitive += flow.sensitive;
  }
  const options = { ciio: input.ciio };
  const importantData = input.flows.some((flow) => flow.importantData);

  // Strongest first, so the reason that decides leads; the sort is stable, so among exempt findings
  // the purpose exemptions come before the counts they left at zero.
  const reasons: CacReason[] = [
    ...importantDataReasons(input),
    ...exemptionReasons(input),
    ...(input.ciio ? ciioReasons(counted) : [countReason('personal', counted.personal), countReason('sensitive', counted.sensitive)]),
  ].sort((a, b) => mechanismRank(b.mechanism) - mechanismRank(a.mechanism));
  const nothingPersonal = counted.personal + counted.sensitive + excluded.personal + excluded.sensitive === 0;
  if (nothingPersonal && !importantData) {
    reasons.push({
      provision: PROVISION.art3,
      mechanism: 'exempt',
      finding: 'no personal information and no important data leaves the country: no mechanism is needed',
    });
  }

  const personalInformationMechanism = (['personal', 'sensitive'] as const)
    .map((kind) => stepReached(kind, counted[kind], options)?.mechanism ?? 'exempt')
    .reduce<CacMechanism>(strongerMechanism, 'exempt');
  const mechanism = importantData ? 'security_assessment' : personalInformationMechanism;

  return {
    mechanism,
    personalInformationMechanism,
    importantData,
    reasons,
    counted,
    excluded,
    headroom: {
      personal: headroomFor('personal', counted.personal, options),
      sensitive: headroomFor('sensitive', counted.sensitive, options),
    },
  };
}
