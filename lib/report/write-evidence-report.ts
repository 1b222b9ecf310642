import * as fs from 'fs';
import * as path from 'path';
import type { Stage } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { evaluateApp, type EvaluateOptions } from '../evaluation/evaluate';
import { EVALUATION_FILE, unacknowledgedErrors, writeEvaluation, type RecordedOutcome } from '../evaluation/record';
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
 * Reads the evaluation record of the cloud assembly in `outdir` (written by `synthWithEvidence`)
 * and writes the SARIF log, the control matrix (JSON, CSV) and the HTML page into it.
 */
export function writeEvidenceReport(outdir: string, options: EvidenceOptions = {}): EvidenceSummary {
  const model = buildEvidenceModel(outdir, options);
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

/** Synthesis found error findings that are neither fixed nor acknowledged (by any plugin). */
export class UnacknowledgedErrorsError extends Error {
  constructor(readonly findings: readonly RecordedOutcome[]) {
    super(
      [
        `synth failed: ${findings.length} unacknowledged error finding(s), recorded in ${EVALUATION_FILE}:`,
        ...findings.map((f) => `  [${f.findingId}] ${f.constructPath}: ${f.message}`),
        'Fix each one, or acknowledge it with a reason, an owner and a review date in lib/nag/acknowledgements.ts.',
      ].join('\n'),
    );
    this.name = 'UnacknowledgedErrorsError';
  }
}

export interface SynthEvidenceOptions extends EvidenceOptions, EvaluateOptions {}

function recordAndReport(app: Stage, options: SynthEvidenceOptions) {
  const record = evaluateApp(app, app.outdir, options);
  writeEvaluation(app.outdir, record);
  writeEvidenceReport(app.outdir, options);
  return record;
}

/**
 * `app.synth()`, then the one evaluation record of the synthesized app and the evidence report
 * read from it, also when synthesis fails on validation findings (CDK writes the assembly and its
 * validation report before it throws): a failing synth is exactly when reviewers need the
 * evidence. An assembly left over from an earlier run is never reported on. A synthesis error is
 * rethrown unchanged; a synthesis CDK let pass with an unacknowledged error finding of any plugin
 * throws `UnacknowledgedErrorsError`.
 */
export function synthWithEvidence(app: Stage, options: SynthEvidenceOptions = {}): CloudAssembly {
  const startedAt = Date.now();
  let assembly: CloudAssembly;
  try {
    assembly = app.synth();
  } catch (err) {
    const manifest = path.join(app.outdir, 'manifest.json');
    if (fs.existsSync(manifest) && fs.statSync(manifest).mtimeMs >= startedAt - 1000) {
      try {
        recordAndReport(app, options);
      } catch {
        // the synthesis error is the one to show
      }
    }
    throw err;
  }
  const errors = unacknowledgedErrors(recordAndReport(app, options));
  if (errors.length > 0) throw new UnacknowledgedErrorsError(errors);
  return assembly;
}

/**
 * `synthWithEvidence` for an app's entry point (bin/app.ts): an unacknowledged error finding of any
 * plugin is printed and ends the process with exit code 1, so `cdk synth` fails on it.
 */
export function synthOrExit(app: Stage, options: SynthEvidenceOptions = {}): CloudAssembly {
  try {
    return synthWithEvidence(app, options);
  } catch (err) {
    if (!(err instanceof UnacknowledgedErrorsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
