import { Validations } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance, type IApplyRule, type NagPack, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { RecordedAcknowledgement, RecordedRule, Severity } from '../evaluation/record';

/**
 * Records what every rule of a cdk-nag pack said about every resource while the pack runs at
 * synth, on the live tree: passes, findings (acknowledged or not, with the acknowledgement's reason,
 * owner and review date) and how often the rule was not applicable. cdk-nag v3 keeps only
 * unacknowledged findings; its one per-rule entry point is the protected `applyRule`, so
 * `watch(pack)` wraps that method on the pack instance: each rule runs once, the recorder keeps its
 * result, and the pack then reports from that same result as it always does.
 */

/** Construct metadata `applyAcknowledgements` writes next to CDK's: who owns an acknowledgement, and until when. */
export const ACKNOWLEDGEMENT_OWNER_METADATA = 'residency:acknowledgement-owner';

export interface AcknowledgementOwner {
  readonly id: string;
  readonly owner: string;
  readonly reviewBy: string;
}

/** One rule's outcome on one resource, as the pack saw it. */
export interface NagOutcome {
  readonly pack: string;
  readonly ruleId: string;
  readonly findingId: string;
  readonly constructPath: string;
  readonly status: 'pass' | 'fail' | 'acknowledged';
  readonly severity: Severity;
  readonly message: string;
  readonly ruleError?: string;
  readonly acknowledgement?: RecordedAcknowledgement;
}

function severityOf(level: NagMessageLevel): Severity {
  return level === NagMessageLevel.ERROR ? 'error' : level === NagMessageLevel.WARN ? 'warning' : 'info';
}

function isOwner(value: unknown): value is AcknowledgementOwner {
  const v = value as Partial<AcknowledgementOwner> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.owner === 'string' && typeof v.reviewBy === 'string';
}

/**
 * The acknowledgement of `findingId` that covers `construct`: made on it or its closest ancestor
 * (as CDK and cdk-nag match them), with the owner and review date recorded next to it.
 */
export function acknowledgementOf(construct: IConstruct, findingId: string): RecordedAcknowledgement | undefined {
  for (let current: IConstruct | undefined = construct; current !== undefined; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) continue;
      for (const [qualified, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (qualified.replace(/^annotation::/i, '') !== findingId) continue;
        const owner = current.node.metadata.map((m) => m.data as unknown).find((d): d is AcknowledgementOwner => isOwner(d) && d.id === findingId);
        return { id: findingId, reason: String(reason), at: current.node.path, ...(owner ? { owner: owner.owner, reviewBy: owner.reviewBy } : {}) };
      }
    }
  }
  return undefined;
}

type ApplyRule = (params: IApplyRule) => void;

export class RuleRecorder {
  private readonly rules = new Map<string, Omit<RecordedRule, 'notApplicable'>>();
  private readonly notApplicable = new Map<string, Set<string>>();
  private readonly outcomes = new Map<string, NagOutcome>();
  private readonly watched = new WeakSet<NagPack>();
  /** Names of the packs watched, whether or not they found anything to apply a rule to. */
  readonly packs = new Set<string>();

  /** Records every rule `pack` applies from now on. Watching a pack twice records it once. */
  watch(pack: NagPack): void {
    if (this.watched.has(pack)) return;
    this.watched.add(pack);
    this.packs.add(pack.readPackName);
    const hooked = pack as unknown as { applyRule: ApplyRule };
    const original = hooked.applyRule.bind(pack);
    hooked.applyRule = (params: IApplyRule) => {
      const ran = this.run(params);
      this.record(pack.readPackName, params, ran);
      const replay = Object.defineProperty(
        () => {
          if ('error' in ran) throw ran.error;
          return ran.result;
        },
        'name',
        { value: params.rule.name },
      );
      original({ ...params, rule: replay });
    };
  }

  private run(params: IApplyRule): { result: NagRuleResult } | { error: unknown } {
    try {
      return { result: params.rule(params.node) };
    } catch (error) {
      return { error };
    }
  }

  private record(pack: string, params: IApplyRule, ran: { result: NagRuleResult } | { error: unknown }): void {
    const ruleId = `${pack}-${params.ruleSuffixOverride ?? params.rule.name}`;
    const severity = severityOf(params.level);
    if (!this.rules.has(ruleId)) this.rules.set(ruleId, { pack, ruleId, info: params.info, explanation: params.explanation, level: severity });
    const constructPath = params.node.node.path;
    const add = (findingId: string, compliant: boolean, ruleError?: string) => {
      const acknowledgement = compliant ? undefined : acknowledgementOf(params.node, findingId);
      const status = compliant ? 'pass' : acknowledgement ? 'acknowledged' : 'fail';
      this.outcomes.set(`${findingId}\u0000${constructPath}`, {
        pack,
        ruleId,
        findingId,
        constructPath,
        status,
        severity,
        message: ruleError === undefined ? params.info : `${params.info} (the rule could not evaluate this resource: ${ruleError})`,
        ...(ruleError === undefined ? {} : { ruleError }),
        ...(acknowledgement ? { acknowledgement } : {}),
      });
    };
    if ('error' in ran) {
      add(ruleId, false, ran.error instanceof Error ? ran.error.message : String(ran.error));
      return;
    }
    const { result } = ran;
    if (Array.isArray(result)) {
      if (result.length === 0) add(ruleId, true);
      for (const finding of result) add(`${ruleId}[${finding}]`, false);
    } else if (result === NagRuleCompliance.NOT_APPLICABLE) {
      const paths = this.notApplicable.get(ruleId) ?? new Set<string>();
      paths.add(constructPath);
      this.notApplicable.set(ruleId, paths);
    } else {
      add(ruleId, result === NagRuleCompliance.COMPLIANT);
    }
  }

  /** Every rule the watched packs applied, with its not-applicable count, and every outcome. */
  results(): { rules: RecordedRule[]; outcomes: NagOutcome[] } {
    return {
      rules: [...this.rules.values()].map((rule) => ({ ...rule, notApplicable: this.notApplicable.get(rule.ruleId)?.size ?? 0 })),
      outcomes: [...this.outcomes.values()],
    };
  }
}

/** Runs `packs` over `scope` outside synth (tests, tools) and returns what they recorded. */
export function recordPacks(scope: IConstruct, packs: readonly NagPack[]): ReturnType<RuleRecorder['results']> {
  const recorder = new RuleRecorder();
  for (const pack of packs) {
    recorder.watch(pack);
    pack.validateScope(scope);
  }
  return recorder.results();
}
