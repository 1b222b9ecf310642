import type { Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { controlTowerRules, GUARD_PLUGIN_NAME } from '../nag/guard';
import { registeredChecks, ruleRecorderOf } from '../nag/register-checks';
import { acknowledgementOf } from '../nag/rule-recorder';
import { readAssemblyStacks } from '../report/cloud-assembly';
import { readValidationReport, type ReportedFinding } from '../report/validation-report';
import { EVALUATION_FORMAT, type EvaluationRecord, type RecordedOutcome, type RecordedPack } from './record';

/**
 * Assembles the evaluation record of an app right after its synthesis, in the same process: the
 * NagPack outcomes recorded while the packs ran on the live tree, and every other plugin's
 * findings (cfn-guard, CDK's own) from the validation report CDK wrote, each placed in its
 * template. Acknowledgements carry the owner and review date recorded on the construct.
 */

export interface EvaluateOptions {
  /**
   * The configuration profile the app was built from, recorded so readers never guess it.
   * @default - not recorded
   */
  readonly profile?: string;
  /**
   * When the evaluation happened.
   * @default - now
   */
  readonly now?: Date;
}

interface Location {
  readonly stackPath: string;
  readonly templateFile: string;
  readonly logicalId: string;
  readonly type: string;
}

function locations(assemblyDir: string): Map<string, Location> {
  const byPath = new Map<string, Location>();
  for (const stack of readAssemblyStacks(assemblyDir)) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const constructPath = stack.constructPathByLogicalId.get(logicalId) ?? `${stack.path}/${logicalId}`;
      byPath.set(constructPath, { stackPath: stack.path, templateFile: stack.templateFile, logicalId, type: resource.Type });
    }
  }
  return byPath;
}

function placed(constructPath: string, where: ReadonlyMap<string, Location>): Pick<RecordedOutcome, 'stackPath' | 'templateFile' | 'logicalId'> {
  const found = where.get(constructPath);
  return found ? { stackPath: found.stackPath, templateFile: found.templateFile, logicalId: found.logicalId } : {};
}

/** The id an acknowledgement of a plugin finding names: NagPack ids as they are, other plugins namespaced as CDK does. */
export function findingIdOf(pluginName: string, ruleName: string): string {
  return ruleName.startsWith(`${pluginName}-`) ? ruleName : `${pluginName.replace(/ /g, '-')}::${ruleName}`;
}

/** The evaluation of `app`, synthesized into `assemblyDir`. */
export function evaluateApp(app: Stage, assemblyDir: string, options: EvaluateOptions = {}): EvaluationRecord {
  const where = locations(assemblyDir);
  const recorder = ruleRecorderOf(app);
  const nag = recorder?.results() ?? { rules: [], outcomes: [] };
  const nagPacks = recorder?.packs ?? new Set<string>();
  const reported = readValidationReport(assemblyDir);
  const gaps: string[] = [];
  if (reported === undefined) gaps.push('No validation report in this assembly: no validation plugin ran at synth.');
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  const controlTower = new Map(controlTowerRules().map((r) => [r.ruleName, r]));

  const outcomes = new Map<string, RecordedOutcome>();
  const key = (pack: string, findingId: string, constructPath: string): string => `${pack}\u0000${findingId}\u0000${constructPath}`;
  for (const o of nag.outcomes) outcomes.set(key(o.pack, o.findingId, o.constructPath), { ...o, ...placed(o.constructPath, where) });

  const fromReport = (finding: ReportedFinding): RecordedOutcome => {
    const guard = finding.pluginName === GUARD_PLUGIN_NAME ? controlTower.get(finding.ruleName) : undefined;
    const findingId = findingIdOf(finding.pluginName, finding.ruleName);
    const construct = byPath.get(finding.constructPath);
    const recorded = construct === undefined ? undefined : acknowledgementOf(construct, findingId);
    const acknowledgement = finding.acknowledgement
      ? (recorded ?? { id: findingId, reason: finding.acknowledgement.reason, at: finding.acknowledgement.at ?? finding.constructPath })
      : undefined;
    return {
      pack: finding.pluginName,
      ruleId: guard?.controlId ?? finding.ruleName.replace(/\[.*\]$/, ''),
      findingId,
      status: acknowledgement ? 'acknowledged' : 'fail',
      severity: finding.severity,
      message: finding.description,
      constructPath: finding.constructPath,
      ...placed(finding.constructPath, where),
      ...(acknowledgement ? { acknowledgement } : {}),
    };
  };
  // NagPacks are recorded from the live tree (with passes and acknowledged findings); the report repeats only their failures.
  for (const finding of (reported ?? []).flatMap((r) => r.findings).filter((f) => !nagPacks.has(f.pluginName))) {
    const outcome = fromReport(finding);
    const k = key(outcome.pack, outcome.findingId, outcome.constructPath);
    const existing = outcomes.get(k);
    if (existing === undefined || (existing.status === 'fail' && outcome.status === 'acknowledged')) outcomes.set(k, outcome);
  }

  const checks = registeredChecks(app);
  const guardRan = checks.some((c) => c.name === GUARD_PLUGIN_NAME) || (reported ?? []).some((r) => r.pluginName === GUARD_PLUGIN_NAME);
  if (guardRan) {
    // cfn-guard reports failures only: a control passes every resource of a type it reports on that it did not fail.
    for (const rule of controlTower.values()) {
      const findingId = `${GUARD_PLUGIN_NAME}::${rule.ruleName}`;
      for (const [constructPath, location] of where) {
        if (!rule.reportsOn.includes(location.type) || outcomes.has(key(GUARD_PLUGIN_NAME, findingId, constructPath))) continue;
        outcomes.set(key(GUARD_PLUGIN_NAME, findingId, constructPath), {
          pack: GUARD_PLUGIN_NAME,
          ruleId: rule.controlId,
          findingId,
          status: 'pass',
          severity: 'error',
          message: rule.title,
          constructPath,
          ...placed(constructPath, where),
        });
      }
    }
  }

  const packNames = [...new Set([...checks.map((c) => c.name), ...(reported ?? []).map((r) => r.pluginName), ...[...outcomes.values()].map((o) => o.pack)])];
  const packs: RecordedPack[] = packNames.map((name) => {
    const check = checks.find((c) => c.name === name);
    const version = check?.version ?? reported?.find((r) => r.pluginName === name)?.pluginVersion;
    return {
      name,
      ...(version === undefined ? {} : { version }),
      passesKnown: nagPacks.has(name) || (name === GUARD_PLUGIN_NAME && guardRan),
      ...(check?.policy ? { policy: { ...check.policy, allowedRegions: [...check.policy.allowedRegions] } } : {}),
    };
  });

  const sorted = [...outcomes.values()].sort(
    (a, b) => a.pack.localeCompare(b.pack) || a.ruleId.localeCompare(b.ruleId) || a.constructPath.localeCompare(b.constructPath) || a.findingId.localeCompare(b.findingId),
  );
  return {
    format: EVALUATION_FORMAT,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    generatedAt: (options.now ?? new Date()).toISOString(),
    packs,
    rules: nag.rules.sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
    outcomes: sorted,
    gaps,
  };
}
