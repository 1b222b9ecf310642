import { Aspects, Stack, Validations, type IAspect, type IPolicyValidationPlugin, type Stage } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CrossBorderChecks } from './cross-border-checks';
import type { ResidencyPolicy } from './residency-policy';
import { RuleRecorder } from './rule-recorder';

/** Template `Metadata` key listing the checks a template was validated with. */
export const CHECKS_METADATA_KEY = 'residency:checks';

/** One registered validation plugin, as written into every template. */
export interface RecordedCheck {
  readonly name: string;
  readonly version?: string;
  /** For CrossBorder: the residency policy it checked against. */
  readonly policy?: ResidencyPolicy;
}

const registered = new WeakMap<Stage, RecordedCheck[]>();
const recorders = new WeakMap<Stage, RuleRecorder>();

/** The checks registered on `scope` with `registerChecks`, in order (empty: none). */
export function registeredChecks(scope: Stage): readonly RecordedCheck[] {
  return registered.get(scope) ?? [];
}

/** What the NagPacks registered on `scope` recorded while they ran (undefined: none registered). */
export function ruleRecorderOf(scope: Stage): RuleRecorder | undefined {
  return recorders.get(scope);
}

class RecordChecksInTemplates implements IAspect {
  constructor(private readonly checks: readonly RecordedCheck[]) {}

  visit(node: IConstruct): void {
    if (Stack.isStack(node)) node.addMetadata(CHECKS_METADATA_KEY, this.checks);
  }
}

/**
 * Registers validation plugins on an app (or stage) and records in each template which checks
 * ran, with CrossBorder's residency policy. Every rule outcome of the NagPacks is recorded while
 * they run at synth (`ruleRecorderOf`), for the evaluation record the evidence is made from.
 */
export function registerChecks(scope: Stage, ...plugins: IPolicyValidationPlugin[]): void {
  Validations.of(scope).addPlugins(...plugins);
  let checks = registered.get(scope);
  if (checks === undefined) {
    checks = [];
    registered.set(scope, checks);
    Aspects.of(scope).add(new RecordChecksInTemplates(checks));
  }
  const recorder = recorders.get(scope) ?? new RuleRecorder();
  recorders.set(scope, recorder);
  for (const plugin of plugins) {
    if (plugin instanceof NagPack) recorder.watch(plugin);
    checks.push({
      name: plugin.name,
      ...(plugin.version === undefined ? {} : { version: plugin.version }),
      ...(plugin instanceof CrossBorderChecks ? { policy: plugin.policy } : {}),
    });
  }
}
