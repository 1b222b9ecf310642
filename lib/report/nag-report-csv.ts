import * as path from 'path';
import { csvCell } from './control-matrix';
import type { CheckResult, EvidenceModel, ResultStatus } from './evidence-model';
import type { Severity } from './validation-report';

/**
 * cdk-nag's compliance report, one CSV per stack and pack as its `NagReportLogger` wrote them
 * (`<pack>-<stack>-NagReport.csv`, header `Rule ID,Resource ID,Compliance,Exception Reason,Rule
 * Level,Rule Info`, every cell quoted), so tools and habits built on cdk-nag's reports keep working.
 * cdk-nag v3 no longer writes them; these are written from the evidence model, passes included.
 */

export const NAG_REPORT_HEADER = ['Rule ID', 'Resource ID', 'Compliance', 'Exception Reason', 'Rule Level', 'Rule Info'] as const;

const COMPLIANCE: Readonly<Record<ResultStatus, string>> = { pass: 'Compliant', fail: 'Non-Compliant', acknowledged: 'Suppressed' };
const LEVEL: Readonly<Record<Severity, string>> = { error: 'Error', warning: 'Warning', info: 'Info' };

export interface NagReportFile {
  /** Relative to the assembly directory. */
  readonly file: string;
  readonly pack: string;
  readonly stackPath: string;
  readonly content: string;
}

/** The stack name CDK gave the template (`Home.template.json` → `Home`). */
export function stackNameOf(templateFile: string): string {
  return path.basename(templateFile).replace(/\.template\.json$/, '');
}

/** A cell quoted as cdk-nag quotes every cell, with the formula guard of the other CSVs. */
function quoted(value: string): string {
  const cell = csvCell(value);
  return cell.startsWith('"') ? cell : `"${cell}"`;
}

function line(r: CheckResult): string {
  return [r.findingId, r.constructPath, COMPLIANCE[r.status], r.acknowledgement?.reason ?? 'N/A', LEVEL[r.severity], r.message].map(quoted).join(',');
}

/** One file per stack and pack that judged something in it, in the order of the stacks, then packs. */
export function nagReportCsvFiles(model: EvidenceModel): NagReportFile[] {
  const files: NagReportFile[] = [];
  for (const stack of model.stacks) {
    for (const pack of model.packs) {
      const rows = model.results.filter((r) => r.pack === pack.name && (r.stackPath ?? r.constructPath.split('/')[0]) === stack.path);
      if (rows.length === 0) continue;
      const name = `${pack.name}-${stackNameOf(stack.templateFile)}-NagReport.csv`;
      files.push({ file: name, pack: pack.name, stackPath: stack.path, content: [NAG_REPORT_HEADER.join(','), ...rows.map(line)].join('\n') + '\n' });
    }
  }
  return files;
}
