import * as fs from 'fs';
import * as path from 'path';
import type { Stage } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildControlMatrix, controlMatrixCsv } from './control-matrix';
import { renderEvidenceHtml } from './evidence-html';
import { buildEvidenceModel, type EvidenceModel, type EvidenceOptions } from './evidence-model';
import { transferInstrumentsSection } from '../compliance/transfer-instruments-evidence';
import { toSarif } from './sarif';

/** The files written into the cloud assembly, next to the templates they describe. */
export const EVIDENCE_FILES = {
  sarif: 'compliance.sarif',
  matrixJson: 'control-matrix.json',
  matrixCsv: 'control-matrix.csv',
  html: 'evidence.html',
} as const;

export interface EvidenceSummary {
  readonly files: readonly string[];
  /** Unacknowledged findings of error severity: zero is what the app must reach. */
  readonly errorFindings: number;
  readonly warningFindings: number;
  readonly acknowledged: number;
  readonly passed: number;
  /** Acknowledgements in the templates that match no finding. */
  readonly stale: number;
  /** Everything the files were made from. */
  readonly model: EvidenceModel;
}

/** 1-based line of a resource's logical id in its template (CDK writes one key per line). */
function lineFinder(assemblyDir: string): (templateFile: string, logicalId: string) => number {
  const lines = new Map<string, string[]>();
  return (templateFile, logicalId) => {
    let text = lines.get(templateFile);
    if (text === undefined) {
      const file = path.join(assemblyDir, templateFile);
      text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
      lines.set(templateFile, text);
    }
    const index = text.findIndex((line) => line.trimStart().startsWith(`"${logicalId}": {`));
    return index === -1 ? 1 : index + 1;
  };
}

/**
 * Reads the cloud assembly in `outdir` (templates, their acknowledgement metadata, the validation
 * report, the manifest) and writes the SARIF log, the control matrix (JSON, CSV) and the HTML page
 * into it. Call it after `app.synth()`, or use `synthWithEvidence`.
 */
export function writeEvidenceReport(outdir: string, options: EvidenceOptions = {}): EvidenceSummary {
  // Owners and review dates come from the register; without one the report shows reasons only.
  const model = buildEvidenceModel(outdir, { register: [], ...options });
  const matrix = buildControlMatrix(model);
  const outputs: [string, string][] = [
    [EVIDENCE_FILES.sarif, JSON.stringify(toSarif(model, lineFinder(outdir)), undefined, 2)],
    [EVIDENCE_FILES.matrixJson, JSON.stringify(matrix, undefined, 2)],
    [EVIDENCE_FILES.matrixCsv, controlMatrixCsv(matrix)],
    [EVIDENCE_FILES.html, renderEvidenceHtml(model, matrix, [transferInstrumentsSection(outdir, model.generatedAt)])],
  ];
  for (const [file, content] of outputs) fs.writeFileSync(path.join(outdir, file), content);
  const fails = model.results.filter((r) => r.status === 'fail');
  return {
    files: outputs.map(([file]) => path.join(outdir, file)),
    errorFindings: fails.filter((r) => r.severity === 'error').length,
    warningFindings: fails.filter((r) => r.severity !== 'error').length,
    acknowledged: model.results.filter((r) => r.status === 'acknowledged').length,
    passed: model.results.filter((r) => r.status === 'pass').length,
    stale: model.staleAcknowledgements.length,
    model,
  };
}

/**
 * `app.synth()` followed by the evidence report, which is also written when synthesis fails on
 * validation findings (CDK writes the assembly and its validation report before it throws): a
 * failing synth is exactly when reviewers need the evidence. An assembly left over from an earlier
 * run is never reported on. The synthesis error is rethrown unchanged.
 */
export function synthWithEvidence(app: Stage, options: EvidenceOptions = {}): CloudAssembly {
  const startedAt = Date.now();
  let assembly: CloudAssembly;
  try {
    assembly = app.synth();
  } catch (err) {
    const manifest = path.join(app.outdir, 'manifest.json');
    if (fs.existsSync(manifest) && fs.statSync(manifest).mtimeMs >= startedAt - 1000) {
      try {
        writeEvidenceReport(app.outdir, options);
      } catch {
        // the synthesis error is the one to show
      }
    }
    throw err;
  }
  writeEvidenceReport(app.outdir, options);
  return assembly;
}
