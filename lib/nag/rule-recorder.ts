import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagMessageLevel,
  NagRuleCompliance,
  NIST80053R4Checks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
  type IApplyRule,
  type NagPack,
  type NagRuleResult,
} from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CrossBorderChecks, type CrossBorderChecksProps } from './cross-border-checks';

/**
 * Runs check packs in "recording" mode: every rule on every resource, ignoring acknowledgements,
 * keeping what the pack's report does not (which resources each rule applied to and passed). The
 * evidence report needs that for "pass" rows, and the acknowledgement checks need the raw findings
 * to tell whether an acknowledgement still matches one.
 */

export type RuleStatus = 'compliant' | 'non-compliant' | 'error';

/** One rule as a pack defines it. */
export interface RuleDescription {
  /** `Pack-Rule`, without a finding suffix. */
  readonly ruleId: string;
  readonly pack: string;
  readonly info: string;
  readonly explanation: string;
  readonly level: 'error' | 'warning' | 'info';
}

/** What one rule said about one resource it applies to (not-applicable results are left out). */
export interface RuleOutcome {
  /** The id an acknowledgement must use: `Pack-Rule`, or `Pack-Rule[finding]` for multi-finding rules. */
  readonly findingId: string;
  readonly ruleId: string;
  readonly constructPath: string;
  readonly status: RuleStatus;
}

export interface RecordedEvaluation {
  readonly rules: ReadonlyMap<string, RuleDescription>;
  readonly outcomes: readonly RuleOutcome[];
}

class Recorder {
  readonly rules = new Map<string, RuleDescription>();
  readonly outcomes: RuleOutcome[] = [];

  record(pack: string, params: IApplyRule): void {
    const ruleId = `${pack}-${params.ruleSuffixOverride ?? params.rule.name}`;
    if (!this.rules.has(ruleId)) {
      this.rules.set(ruleId, { ruleId, pack, info: params.info, explanation: params.explanation, level: levelOf(params.level) });
    }
    const constructPath = params.node.node.path;
    let result: NagRuleResult;
    try {
      result = params.rule(params.node);
    } catch {
      this.outcomes.push({ findingId: ruleId, ruleId, constructPath, status: 'error' });
      return;
    }
    if (Array.isArray(result)) {
      if (result.length === 0) this.outcomes.push({ findingId: ruleId, ruleId, constructPath, status: 'compliant' });
      for (const finding of result) this.outcomes.push({ findingId: `${ruleId}[${finding}]`, ruleId, constructPath, status: 'non-compliant' });
    } else if (result !== NagRuleCompliance.NOT_APPLICABLE) {
      const status = result === NagRuleCompliance.COMPLIANT ? 'compliant' : 'non-compliant';
      this.outcomes.push({ findingId: ruleId, ruleId, constructPath, status });
    }
  }
}

function levelOf(level: NagMessageLevel): RuleDescription['level'] {
  return level === NagMessageLevel.ERROR ? 'error' : level === NagMessageLevel.WARN ? 'warning' : 'info';
}

// One small subclass per pack: applyRule is protected, and TypeScript mixins would need `any[]`.
class RecordingAwsSolutions extends AwsSolutionsChecks {
  constructor(private readonly recorder: Recorder) { super(); }
  protected applyRule(params: IApplyRule): void { this.recorder.record(this.readPackName, params); }
}
class RecordingNist80053R4 extends NIST80053R4Checks {
  constructor(private readonly recorder: Recorder) { super(); }
  protected applyRule(params: IApplyRule): void { this.recorder.record(this.readPackName, params); }
}
class RecordingNist80053R5 extends NIST80053R5Checks {
  constructor(private readonly recorder: Recorder) { super(); }
  protected applyRule(params: IApplyRule): void { this.recorder.record(this.readPackName, params); }
}
class RecordingPciDss321 extends PCIDSS321Checks {
  constructor(private readonly recorder: Recorder) { super(); }
  protected applyRule(params: IApplyRule): void { this.recorder.record(this.readPackName, params); }
}
class RecordingHipaaSecurity extends HIPAASecurityChecks {
  constructor(private readonly recorder: Recorder) { super(); }
  protected applyRule(params: IApplyRule): void { this.recorder.record(this.readPackName, params); }
}
class RecordingServerless extends ServerlessChecks {
  constructor(private readonly recorder: Recorder) { super(); }
  protected applyRule(params: IApplyRule): void { this.recorder.record(this.readPackName, params); }
}
class RecordingCrossBorder extends CrossBorderChecks {
  constructor(private readonly recorder: Recorder, props: CrossBorderChecksProps) { super(undefined, props); }
  protected applyRule(params: IApplyRule): void { this.recorder.record(this.readPackName, params); }
}

/** Which packs to record: cdk-nag's by pack name, CrossBorder with its policy. */
export interface PackSelection {
  readonly name: string;
  /** Only for CrossBorder: the policy it ran with. */
  readonly crossBorder?: CrossBorderChecksProps;
}

/** Pack names this module can record (the cdk-validator-cfnguard plugin is not a NagPack). */
export const RECORDABLE_PACKS: readonly string[] = [
  'AwsSolutions',
  'NIST.800.53.R4',
  'NIST.800.53.R5',
  'PCI.DSS.321',
  'HIPAA.Security',
  'Serverless',
  'CrossBorder',
];

function recordingPack(selection: PackSelection, recorder: Recorder): NagPack | undefined {
  switch (selection.name) {
    case 'AwsSolutions': return new RecordingAwsSolutions(recorder);
    case 'NIST.800.53.R4': return new RecordingNist80053R4(recorder);
    case 'NIST.800.53.R5': return new RecordingNist80053R5(recorder);
    case 'PCI.DSS.321': return new RecordingPciDss321(recorder);
    case 'HIPAA.Security': return new RecordingHipaaSecurity(recorder);
    case 'Serverless': return new RecordingServerless(recorder);
    case 'CrossBorder': return new RecordingCrossBorder(recorder, selection.crossBorder ?? {});
    default: return undefined;
  }
}

/** Evaluates every rule of the selected packs on every resource below `scope`. Unknown pack names are skipped. */
export function recordEvaluation(scope: IConstruct, packs: readonly PackSelection[]): RecordedEvaluation {
  const recorder = new Recorder();
  for (const selection of packs) recordingPack(selection, recorder)?.validateScope(scope);
  return { rules: recorder.rules, outcomes: recorder.outcomes };
}
