import { readEvaluation, type Severity } from '../evaluation/record';
import { isJsonObject, tagValue } from '../nag/cfn-view';
import { DATA_CLASS_TAG } from '../vocabulary/data-classes';
import { DATA_STORE_TYPES, KEY_TYPES } from '../nag/data-stores';
import { controlTowerRules, GUARD_PLUGIN_NAME } from '../nag/guard';
import type { ResidencyPolicy } from '../nag/residency-policy';
import { readAssemblyStacks, type AssemblyStack, type TemplateResource } from './cloud-assembly';
import { requirementsOf, type Requirement } from './requirement-map';

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
  /** Whether passes are known (recorded for every NagPack; for cfn-guard, derived from its resource types). */
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
  /**
   * When the evidence was generated.
   * @default - now
   */
  readonly now?: Date;
  /**
   * A local copy of the leak canary's records, for the "after deploy" section.
   * @default - no "after deploy" results
   */
  readonly canary?: import('../runtime-checks/control-proof').CanaryResults;
}

/**
 * Builds the evidence model of the cloud assembly in `assemblyDir` from its evaluation record
 * (`residency-evaluation.json`): every result is the one synth recorded. The templates are read
 * only for what is not a rule outcome: the stacks, the data class of each store and key, and
 * the acknowledgements written into them that no finding matches.
 */
export function buildEvidenceModel(assemblyDir: string, options: EvidenceOptions = {}): EvidenceModel {
  const record = readEvaluation(assemblyDir);
  const stacks = readAssemblyStacks(assemblyDir);
  const resources = indexResources(stacks);
  const controlTower = new Map(controlTowerRules().map((r) => [r.controlId, r]));

  const all: CheckResult[] = record.outcomes.map((o) => ({
    pack: o.pack,
    ruleId: o.ruleId,
    findingId: o.findingId,
    status: o.status,
    severity: o.severity,
    message: o.message,
    constructPath: o.constructPath,
    ...(o.stackPath === undefined ? {} : { stackPath: o.stackPath }),
    ...(o.templateFile === undefined ? {} : { templateFile: o.templateFile }),
    ...(o.logicalId === undefined ? {} : { logicalId: o.logicalId }),
    requirements: requirementsOf(o.pack, o.ruleId, o.message, o.pack === GUARD_PLUGIN_NAME ? controlTower.get(o.ruleId)?.title : undefined),
    ...(o.acknowledgement
      ? { acknowledgement: { reason: o.acknowledgement.reason, ...(o.acknowledgement.owner ? { owner: o.acknowledgement.owner } : {}), ...(o.acknowledgement.reviewBy ? { reviewBy: o.acknowledgement.reviewBy } : {}) } }
      : {}),
  }));
  const packs = record.packs.map((pack) => {
    const mine = all.filter((r) => r.pack === pack.name);
    return {
      name: pack.name,
      ...(pack.version ? { version: pack.version } : {}),
      passesKnown: pack.passesKnown,
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
    policy: record.packs.find((p) => p.policy !== undefined)?.policy,
    packs,
    results: all,
    classified,
    gaps: record.gaps,
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
