import { isJsonObject, tagValue } from '../nag/cfn-view';
import type { Acknowledgement } from '../nag/acknowledgement-register';
import { isCoveredBy } from '../nag/acknowledgement-checks';
import { DATA_CLASS_TAG } from '../vocabulary/data-classes';
import { DATA_STORE_TYPES, KEY_TYPES } from '../nag/data-stores';
import { controlTowerRules, GUARD_PLUGIN_NAME } from '../nag/guard';
import type { ResidencyPolicy } from '../nag/residency-policy';
import { readAssemblyStacks, type AssemblyStack, type TemplateResource } from './cloud-assembly';
import { reevaluate } from './reevaluation';
import { requirementsOf, type Requirement } from './requirement-map';
import { readValidationReport, type ReportedFinding, type Severity } from './validation-report';

/** Everything the evidence files show, read from one cloud assembly. */

export type ResultStatus = 'fail' | 'acknowledged' | 'pass';

export interface AcknowledgementEvidence {
  readonly reason: string;
  readonly owner?: string;
  readonly reviewBy?: string;
}

export interface CheckResult {
  readonly pack: string;
  /** The rule, without a finding suffix (for cfn-guard: the Control Tower id). */
  readonly ruleId: string;
  /** The id an acknowledgement names (`AwsSolutions-IAM5[Action::s3:*]`, `cdk-validator-cfnguard::<rule>`). */
  readonly findingId: string;
  readonly status: ResultStatus;
  readonly severity: Severity;
  readonly message: string;
  readonly constructPath: string;
  readonly stackPath?: string;
  readonly templateFile?: string;
  readonly logicalId?: string;
  readonly requirements: readonly Requirement[];
  readonly acknowledgement?: AcknowledgementEvidence;
}

export interface PackSummary {
  readonly name: string;
  readonly version?: string;
  /** Whether passes are known (re-evaluated or, for cfn-guard, derived from its resource types). */
  readonly passesKnown: boolean;
  readonly fail: number;
  readonly failErrors: number;
  readonly acknowledged: number;
  readonly pass: number;
}

export interface ClassifiedResource {
  readonly constructPath: string;
  readonly stackPath: string;
  readonly region?: string;
  readonly type: string;
  readonly dataClass: string;
}

/** An acknowledgement written into the templates that matches no finding of a check that ran. */
export interface StaleAcknowledgement {
  readonly id: string;
  readonly reason: string;
  readonly stackPath: string;
  readonly constructPaths: readonly string[];
}

export interface EvidenceModel {
  readonly generatedAt: string;
  readonly stacks: readonly Pick<AssemblyStack, 'path' | 'region' | 'account' | 'templateFile'>[];
  readonly policy?: ResidencyPolicy;
  readonly packs: readonly PackSummary[];
  readonly results: readonly CheckResult[];
  readonly classified: readonly ClassifiedResource[];
  readonly staleAcknowledgements: readonly StaleAcknowledgement[];
  readonly gaps: readonly string[];
  readonly canary?: import('../runtime-checks/control-proof').CanaryResults;
}

interface Located {
  readonly stack: AssemblyStack;
  readonly logicalId: string;
  readonly resource: TemplateResource;
}

function indexResources(stacks: readonly AssemblyStack[]): Map<string, Located> {
  const byPath = new Map<string, Located>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      byPath.set(stack.constructPathByLogicalId.get(logicalId) ?? `${stack.path}/${logicalId}`, { stack, logicalId, resource });
    }
  }
  return byPath;
}

/** Acknowledgements cdk-nag's `writeSuppressionsToCloudFormation` wrote into a resource's metadata. */
function templateAcknowledgements(resource: TemplateResource | undefined): Map<string, string> {
  const cdkNag = resource?.Metadata?.cdk_nag;
  const rules = isJsonObject(cdkNag) && Array.isArray(cdkNag.rules_to_suppress) ? cdkNag.rules_to_suppress : [];
  return new Map(rules.filter(isJsonObject).map((r) => [String(r.id), String(r.reason ?? '')]));
}

function dataClassOf(resource: TemplateResource): string | undefined {
  const props = resource.Properties ?? {};
  const value =
    resource.Type === 'AWS::DynamoDB::GlobalTable' && Array.isArray(props.Replicas)
      ? props.Replicas.map((r) => (isJsonObject(r) ? tagValue(r.Tags, DATA_CLASS_TAG) : undefined)).find((v) => v !== undefined)
      : tagValue(props.Tags, DATA_CLASS_TAG);
  return typeof value === 'string' ? value : undefined;
}

export interface EvidenceOptions {
  /** The acknowledgement register, for owners and review dates (templates carry only reasons). */
  readonly register?: readonly Acknowledgement[];
  readonly now?: Date;
  /** A local copy of the leak canary's records, for the "after deploy" section. */
  readonly canary?: import('../runtime-checks/control-proof').CanaryResults;
}

/** Builds the evidence model of the cloud assembly in `assemblyDir`. */
export function buildEvidenceModel(assemblyDir: string, options: EvidenceOptions = {}): EvidenceModel {
  const stacks = readAssemblyStacks(assemblyDir);
  const resources = indexResources(stacks);
  const reported = readValidationReport(assemblyDir);
  const reports = reported ?? [];
  const reevaluation = reevaluate(assemblyDir, stacks);
  const gaps = [...reevaluation.gaps];
  if (reported === undefined) gaps.push('No validation report in this assembly: no validation plugin ran at synth.');
  const controlTower = new Map(controlTowerRules().map((r) => [r.ruleName, r]));

  const results = new Map<string, CheckResult>();
  const key = (pack: string, findingId: string, path: string): string => `${pack}\u0000${findingId}\u0000${path}`;
  const locate = (path: string): Partial<CheckResult> => {
    const found = resources.get(path);
    return found ? { stackPath: found.stack.path, templateFile: found.stack.templateFile, logicalId: found.logicalId } : {};
  };
  const acknowledgementFor = (findingId: string, path: string, reason: string): AcknowledgementEvidence => {
    const stackPath = resources.get(path)?.stack.path;
    const entry = options.register?.find(
      (a) => a.ruleId === findingId && stackPath !== undefined && isCoveredBy(path, a.construct === '*' ? stackPath : `${stackPath}/${a.construct}`),
    );
    return { reason, ...(entry ? { owner: entry.owner, reviewBy: entry.reviewBy } : {}) };
  };

  for (const outcome of reevaluation.outcomes) {
    const rule = reevaluation.rules.get(outcome.ruleId);
    const message = rule?.info ?? outcome.ruleId;
    const acknowledged = templateAcknowledgements(resources.get(outcome.constructPath)?.resource).get(outcome.findingId);
    const status: ResultStatus = outcome.status === 'compliant' ? 'pass' : acknowledged !== undefined ? 'acknowledged' : 'fail';
    results.set(key(rule?.pack ?? '', outcome.findingId, outcome.constructPath), {
      pack: rule?.pack ?? '',
      ruleId: outcome.ruleId,
      findingId: outcome.findingId,
      status,
      severity: rule?.level ?? 'error',
      message: outcome.status === 'error' ? `${message} (the rule could not evaluate this resource)` : message,
      constructPath: outcome.constructPath,
      ...locate(outcome.constructPath),
      requirements: requirementsOf(rule?.pack ?? '', outcome.ruleId, message),
      ...(status === 'acknowledged' ? { acknowledgement: acknowledgementFor(outcome.findingId, outcome.constructPath, acknowledged ?? '') } : {}),
    });
  }

  const fromReport = (finding: ReportedFinding): CheckResult => {
    const guard = finding.pluginName === GUARD_PLUGIN_NAME ? controlTower.get(finding.ruleName) : undefined;
    const isNagRule = finding.ruleName.startsWith(`${finding.pluginName}-`);
    const findingId = isNagRule ? finding.ruleName : `${finding.pluginName.replace(/ /g, '-')}::${finding.ruleName}`;
    const ruleId = guard?.controlId ?? finding.ruleName.replace(/\[.*\]$/, '');
    return {
      pack: finding.pluginName,
      ruleId,
      findingId,
      status: finding.acknowledgement ? 'acknowledged' : 'fail',
      severity: finding.severity,
      message: finding.description,
      constructPath: finding.constructPath,
      ...locate(finding.constructPath),
      requirements: requirementsOf(finding.pluginName, ruleId, finding.description, guard?.title),
      ...(finding.acknowledgement ? { acknowledgement: acknowledgementFor(findingId, finding.constructPath, finding.acknowledgement.reason) } : {}),
    };
  };
  for (const finding of reports.flatMap((r) => r.findings)) {
    const result = fromReport(finding);
    const existing = results.get(key(result.pack, result.findingId, result.constructPath));
    if (existing === undefined || (existing.status === 'pass' && result.status !== 'pass') || (existing.status === 'fail' && result.status === 'acknowledged')) {
      results.set(key(result.pack, result.findingId, result.constructPath), result);
    }
  }

  const guardRan = reevaluation.checks.some((c) => c.name === GUARD_PLUGIN_NAME) || reports.some((r) => r.pluginName === GUARD_PLUGIN_NAME);
  if (guardRan) {
    for (const rule of controlTower.values()) {
      for (const [path, located] of resources) {
        if (!rule.reportsOn.includes(located.resource.Type)) continue;
        const findingId = `${GUARD_PLUGIN_NAME}::${rule.ruleName}`;
        if (results.has(key(GUARD_PLUGIN_NAME, findingId, path))) continue;
        results.set(key(GUARD_PLUGIN_NAME, findingId, path), {
          pack: GUARD_PLUGIN_NAME,
          ruleId: rule.controlId,
          findingId,
          status: 'pass',
          severity: 'error',
          message: rule.title,
          constructPath: path,
          ...locate(path),
          requirements: requirementsOf(GUARD_PLUGIN_NAME, rule.controlId, rule.title, rule.title),
        });
      }
    }
  }

  const all = [...results.values()].sort((a, b) => a.pack.localeCompare(b.pack) || a.ruleId.localeCompare(b.ruleId) || a.constructPath.localeCompare(b.constructPath));
  const packNames = [...new Set([...reevaluation.checks.map((c) => c.name), ...reports.map((r) => r.pluginName), ...all.map((r) => r.pack)])];
  const packs = packNames.map((name) => {
    const mine = all.filter((r) => r.pack === name);
    const recorded = reevaluation.checks.find((c) => c.name === name);
    return {
      name,
      ...(recorded?.version ? { version: recorded.version } : {}),
      passesKnown: (name === GUARD_PLUGIN_NAME && guardRan) || [...reevaluation.rules.values()].some((r) => r.pack === name),
      fail: mine.filter((r) => r.status === 'fail').length,
      failErrors: mine.filter((r) => r.status === 'fail' && r.severity === 'error').length,
      acknowledged: mine.filter((r) => r.status === 'acknowledged').length,
      pass: mine.filter((r) => r.status === 'pass').length,
    };
  });

  // Tags flow down to every child of an L2 (a bucket's replication role too): only stores and keys hold data.
  const classified = [...resources.entries()].flatMap(([constructPath, { stack, resource }]) => {
    if (!DATA_STORE_TYPES.includes(resource.Type) && !KEY_TYPES.includes(resource.Type)) return [];
    const dataClass = dataClassOf(resource);
    return dataClass === undefined ? [] : [{ constructPath, stackPath: stack.path, region: stack.region, type: resource.Type, dataClass }];
  });

  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    staleAcknowledgements: staleTemplateAcknowledgements(resources, all, packs.map((p) => p.name)),
    stacks: stacks.map((s) => ({ path: s.path, region: s.region, account: s.account, templateFile: s.templateFile })),
    policy: reevaluation.checks.find((c) => c.policy !== undefined)?.policy,
    packs,
    results: all,
    classified,
    gaps,
    ...(options.canary ? { canary: options.canary } : {}),
  };
}

/** The pack an acknowledgement id belongs to: `Pack-Rule...` for NagPacks, `namespace::rule` for other plugins. */
function packOfAcknowledgement(id: string, packNames: readonly string[]): string | undefined {
  const namespace = /^(.+?)::/.exec(id)?.[1];
  if (namespace !== undefined) return packNames.find((p) => p.replace(/ /g, '-') === namespace);
  return packNames.find((p) => id.startsWith(`${p}-`));
}

/**
 * Acknowledgements in template metadata that no finding matches. cdk-nag copies an acknowledgement
 * onto every resource below the construct it was made on, so they are grouped per stack, id and
 * reason: the group is stale only if none of its resources has the finding. Ids of checks that did
 * not run here (annotations, unregistered packs) are left alone.
 */
function staleTemplateAcknowledgements(resources: ReadonlyMap<string, Located>, results: readonly CheckResult[], packNames: readonly string[]): StaleAcknowledgement[] {
  const groups = new Map<string, { id: string; reason: string; stackPath: string; constructPaths: string[] }>();
  for (const [path, located] of resources) {
    for (const [id, reason] of templateAcknowledgements(located.resource)) {
      if (packOfAcknowledgement(id, packNames) === undefined) continue;
      const groupKey = `${located.stack.path}\u0000${id}\u0000${reason}`;
      const group = groups.get(groupKey) ?? { id, reason, stackPath: located.stack.path, constructPaths: [] };
      group.constructPaths.push(path);
      groups.set(groupKey, group);
    }
  }
  const findings = new Set(results.filter((r) => r.status !== 'pass').map((r) => `${r.findingId}\u0000${r.constructPath}`));
  return [...groups.values()].filter((g) => !g.constructPaths.some((path) => findings.has(`${g.id}\u0000${path}`)));
}
