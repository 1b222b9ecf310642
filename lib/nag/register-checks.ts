import { Aspects, Stack, Validations, type IAspect, type IPolicyValidationPlugin, type Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CrossBorderChecks } from './cross-border-checks';
import type { ResidencyPolicy } from './residency-policy';

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

class RecordChecksInTemplates implements IAspect {
  constructor(private readonly checks: readonly RecordedCheck[]) {}

  visit(node: IConstruct): void {
    if (Stack.isStack(node)) node.addMetadata(CHECKS_METADATA_KEY, this.checks);
  }
}

/**
 * Registers validation plugins on an app (or stage) and records in each template which checks
 * ran, with CrossBorder's residency policy. The template is the evidence an auditor keeps; the
 * evidence report reads this list to know which packs passed a resource, not only which failed it.
 */
export function registerChecks(scope: Stage, ...plugins: IPolicyValidationPlugin[]): void {
  Validations.of(scope).addPlugins(...plugins);
  let checks = registered.get(scope);
  if (checks === undefined) {
    checks = [];
    registered.set(scope, checks);
    Aspects.of(scope).add(new RecordChecksInTemplates(checks));
  }
  for (const plugin of plugins) {
    checks.push({
      name: plugin.name,
      ...(plugin.version === undefined ? {} : { version: plugin.version }),
      ...(plugin instanceof CrossBorderChecks ? { policy: plugin.policy } : {}),
    });
  }
}
