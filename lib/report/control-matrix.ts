import { PCI_DSS_FRAMEWORK } from '../compliance/pci-dss-401';
import { REQUIREMENT_IDS } from '../nag/requirements';
import type { CheckResult, EvidenceModel, ResultStatus } from './evidence-model';
import { domainRequirement, type Requirement } from './requirement-map';

/**
 * The control matrix: requirement → rules → constructs → result. Our domain requirements come first
 * (all of them, so one nothing checked shows as "not evaluated"), then the control ids of PCI DSS,
 * NIST 800-53 and HIPAA the packs print, the Control Tower controls, and pack rules without an id.
 */

export type MatrixResult = ResultStatus | 'not evaluated';

export interface MatrixConstruct {
  readonly constructPath: string;
  readonly stack?: string;
  readonly logicalId?: string;
  readonly result: ResultStatus;
  readonly reason?: string;
  readonly owner?: string;
  readonly reviewBy?: string;
}

export interface MatrixRule {
  readonly pack: string;
  readonly ruleId: string;
  readonly findingIds: readonly string[];
  readonly constructs: readonly MatrixConstruct[];
}

export interface MatrixRequirement extends Requirement {
  /** The worst result over its constructs: fail, then acknowledged, then pass. */
  readonly result: MatrixResult;
  readonly counts: Readonly<Record<ResultStatus, number>>;
  readonly rules: readonly MatrixRule[];
}

export interface ControlMatrix {
  readonly generatedAt: string;
  readonly requirements: readonly MatrixRequirement[];
}

const SEVERITY_ORDER: readonly ResultStatus[] = ['fail', 'acknowledged', 'pass'];

function frameworkRank(framework: string): number {
  const order = ['Domain', PCI_DSS_FRAMEWORK, 'NIST 800-53 R5', 'NIST 800-53 R4', 'HIPAA Security', 'Control Tower'];
  const rank = order.indexOf(framework);
  return rank === -1 ? order.length : rank;
}

/** Domain requirements keep the order of REQUIREMENT_IDS; other ids sort after them. */
function domainRank(id: string): number {
  const rank = (REQUIREMENT_IDS as readonly string[]).indexOf(id);
  return rank === -1 ? REQUIREMENT_IDS.length : rank;
}

export function buildControlMatrix(model: EvidenceModel): ControlMatrix {
  const byRequirement = new Map<string, { requirement: Requirement; results: CheckResult[] }>();
  for (const id of REQUIREMENT_IDS) {
    const requirement = domainRequirement(id);
    byRequirement.set(requirement.key, { requirement, results: [] });
  }
  for (const result of model.results) {
    for (const requirement of result.requirements) {
      const entry = byRequirement.get(requirement.key) ?? { requirement, results: [] };
      entry.results.push(result);
      byRequirement.set(requirement.key, entry);
    }
  }
  const requirements = [...byRequirement.values()]
    .map(({ requirement, results }) => {
      const counts = { fail: 0, acknowledged: 0, pass: 0 };
      for (const r of results) counts[r.status] += 1;
      const rules = new Map<string, { pack: string; ruleId: string; findingIds: Set<string>; constructs: MatrixConstruct[] }>();
      for (const r of results) {
        const rule = rules.get(`${r.pack}\u0000${r.ruleId}`) ?? { pack: r.pack, ruleId: r.ruleId, findingIds: new Set<string>(), constructs: [] };
        rule.findingIds.add(r.findingId);
        rule.constructs.push({
          constructPath: r.constructPath,
          ...(r.stackPath === undefined ? {} : { stack: r.stackPath }),
          ...(r.logicalId === undefined ? {} : { logicalId: r.logicalId }),
          result: r.status,
          ...(r.acknowledgement ? { reason: r.acknowledgement.reason, owner: r.acknowledgement.owner, reviewBy: r.acknowledgement.reviewBy } : {}),
        });
        rules.set(`${r.pack}\u0000${r.ruleId}`, rule);
      }
      const result: MatrixResult = SEVERITY_ORDER.find((status) => counts[status] > 0) ?? 'not evaluated';
      return {
        ...requirement,
        result,
        counts,
        rules: [...rules.values()].map((rule) => ({ ...rule, findingIds: [...rule.findingIds].sort() })),
      };
    })
    .sort(
      (a, b) =>
        frameworkRank(a.framework) - frameworkRank(b.framework) ||
        a.framework.localeCompare(b.framework) ||
        domainRank(a.id) - domainRank(b.id) ||
        a.id.localeCompare(b.id, 'en', { numeric: true }),
    );
  return { generatedAt: model.generatedAt, requirements };
}

export const CSV_COLUMNS = [
  'framework',
  'requirement',
  'requirement_title',
  'pack',
  'rule',
  'stack',
  'construct',
  'logical_id',
  'result',
  'reason',
  'owner',
  'review_by',
] as const;

/**
 * One CSV cell: quoted when it holds a separator, quote or line break; a leading `= + - @` is
 * neutralised so a spreadsheet never runs a cell as a formula.
 */
export function csvCell(value: string | undefined): string {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function controlMatrixCsv(matrix: ControlMatrix): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const q of matrix.requirements) {
    if (q.rules.length === 0) {
      rows.push([q.framework, q.id, q.title, '', '', '', '', '', q.result, '', '', '']);
      continue;
    }
    for (const rule of q.rules) {
      for (const c of rule.constructs) {
        rows.push([q.framework, q.id, q.title, rule.pack, rule.ruleId, c.stack ?? '', c.constructPath, c.logicalId ?? '', c.result, c.reason ?? '', c.owner ?? '', c.reviewBy ?? '']);
      }
    }
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
