import { createHash } from 'crypto';
import { resultKey, type BaselineComparison, type BaselineState } from './baseline';
import type { CheckResult, EvidenceModel } from './evidence-model';
import type { Severity } from './validation-report';

/**
 * SARIF 2.1.0 for code-scanning tools: one run per pack, a result per failing or acknowledged
 * finding (passes are left out: scanners treat every result as an alert). Acknowledged findings
 * carry an `inSource` suppression with the reason, so a scanner shows them as dismissed.
 */

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'info' ? 'note' : severity;
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

export interface SarifRun {
  readonly tool: { readonly driver: { readonly name: string; readonly version?: string; readonly informationUri?: string; readonly rules: readonly SarifRule[] } };
  readonly results: readonly SarifResult[];
}

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties: { readonly tags: readonly string[] };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations: readonly {
    readonly physicalLocation: { readonly artifactLocation: { readonly uri: string }; readonly region: { readonly startLine: number } };
    readonly logicalLocations: readonly { readonly fullyQualifiedName: string; readonly name?: string; readonly kind: 'resource' }[];
  }[];
  readonly partialFingerprints: { readonly 'residencyFinding/v1': string };
  readonly properties: { readonly findingId: string; readonly requirements: readonly string[] };
  readonly suppressions?: readonly { readonly kind: 'inSource'; readonly justification: string }[];
  /** Only when compared with a baseline (`residency report --baseline`). */
  readonly baselineState?: BaselineState;
}

const INFORMATION_URI: Readonly<Record<string, string>> = {
  'cdk-validator-cfnguard': 'https://github.com/cdklabs/cdk-validator-cfnguard',
};

/**
 * Builds the SARIF log. `lineOf(templateFile, logicalId)` gives the 1-based line of a resource in its
 * template (SARIF consumers want a region); unknown locations point at line 1 of the file.
 * With a `baseline`, each result carries its `baselineState`, and findings the baseline had that
 * are gone now are added as `absent` results (SARIF 2.1.0 §3.27.24).
 */
export function toSarif(model: EvidenceModel, lineOf: (templateFile: string, logicalId: string) => number, baseline?: BaselineComparison): SarifLog {
  const stateOf = new Map(baseline?.entries.filter((e) => e.current !== undefined).map((e) => [resultKey(e.current as CheckResult), e.state]));
  const absent = baseline?.entries.flatMap((e) => (e.state === 'absent' && e.previous !== undefined ? [e.previous] : [])) ?? [];
  const reported = [...model.results.filter((r) => r.status !== 'pass'), ...absent];
  // One run per pack, also for a pack without findings: the log then shows which tools ran clean.
  // A pack that ran on the baseline only still gets a run, for its absent results.
  const goneNames = [...new Set(absent.map((r) => r.pack))].filter((name) => !model.packs.some((p) => p.name === name));
  const packs: readonly { readonly name: string; readonly version?: string }[] = [...model.packs, ...goneNames.map((name) => ({ name }))];
  const runs = packs.map((pack) => {
    const results = reported.filter((r) => r.pack === pack.name);
    const firstByRule = new Map<string, CheckResult>();
    for (const r of results) if (!firstByRule.has(r.ruleId)) firstByRule.set(r.ruleId, r);
    const ordered = [...firstByRule.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const ruleIds = ordered.map(([id]) => id);
    return {
      tool: {
        driver: {
          name: pack.name,
          ...(pack.version === undefined ? {} : { version: pack.version }),
          informationUri: INFORMATION_URI[pack.name] ?? 'https://github.com/cdklabs/cdk-nag',
          rules: ordered.map(([, example]) => sarifRule(example)),
        },
      },
      results: results.map((r) => {
        const result = sarifResult(r, ruleIds.indexOf(r.ruleId), lineOf);
        if (baseline === undefined) return result;
        return { ...result, baselineState: absent.includes(r) ? ('absent' as const) : (stateOf.get(resultKey(r)) ?? 'new') };
      }),
    };
  });
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs };
}

function sarifRule(example: CheckResult): SarifRule {
  return {
    id: example.ruleId,
    name: example.ruleId.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: example.message },
    defaultConfiguration: { level: sarifLevel(example.severity) },
    properties: { tags: example.requirements.map((q) => `${q.framework} ${q.id}`) },
  };
}

function sarifResult(result: CheckResult, ruleIndex: number, lineOf: (templateFile: string, logicalId: string) => number): SarifResult {
  const line = result.templateFile !== undefined && result.logicalId !== undefined ? lineOf(result.templateFile, result.logicalId) : 1;
  return {
    ruleId: result.ruleId,
    ruleIndex,
    level: sarifLevel(result.severity),
    message: { text: `${result.message} [${result.findingId} on ${result.constructPath}]` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: (result.templateFile ?? 'manifest.json').split('\\').join('/') }, region: { startLine: line } },
        logicalLocations: [{ fullyQualifiedName: result.constructPath, ...(result.logicalId ? { name: result.logicalId } : {}), kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'residencyFinding/v1': createHash('sha256').update(`${result.findingId}\u0000${result.constructPath}`).digest('hex') },
    properties: { findingId: result.findingId, requirements: result.requirements.map((q) => `${q.framework} ${q.id}`) },
    ...(result.acknowledgement ? { suppressions: [{ kind: 'inSource' as const, justification: result.acknowledgement.reason }] } : {}),
  };
}
