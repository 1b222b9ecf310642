import * as fs from 'fs';
import * as path from 'path';
import type { Stage } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { evaluateApp, type EvaluateOptions } from '../evaluation/evaluate';
import { EVALUATION_FILE, unacknowledgedErrors, writeEvaluation, type RecordedOutcome } from '../evaluation/record';
import { buildControlMatrix, controlMatrixCsv } from './control-matrix';
import { renderEvidenceHtml } from './evidence-html';
import { compareToBaseline, type BaselineComparison } from './baseline';
import { buildEvidenceModel, type EvidenceModel, type EvidenceOptions, type PackSummary } from './evidence-model';
import { transferInstrumentsSection } from '../compliance/transfer-instruments-evidence';
import { toJunitXml } from './junit';
import { nagReportCsvFiles } from './nag-report-csv';
import { libraryVersionOf, readProvenance, recordProvenance, templateHashes, type SynthProvenance, type TemplateHash } from './provenance';
import { toSarif } from './sarif';

/** The files written into the cloud assembly, next to the templates they describe. */
export const EVIDENCE_FILES = {
  sarif: 'compliance.sarif',
  matrixJson: 'control-matrix.json',
  matrixCsv: 'control-matrix.csv',
  html: 'evidence.html',
  junit: 'compliance-junit.xml',
} as const;

/** What the page says it judged: recorded at synth (commit, profile, tool versions) and read now (template hashes). */
export interface JudgedInputs {
  readonly provenance?: SynthProvenance;
  readonly templates: readonly TemplateHash[];
  /** The files written next to the page, relative to it, for links. */
  readonly files: readonly { readonly file: string; readonly label: string }[];
  readonly baseline?: { readonly dir: string; readonly comparison: BaselineComparison };
}

export interface ReportOptions extends EvidenceOptions {
  /** A previous cloud assembly to compare findings and acknowledgements with. @default no comparison */
  readonly baselineDir?: string;
}

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
  readonly baseline?: BaselineComparison;
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
export function writeEvidenceReport(outdir: string, options: ReportOptions = {}): EvidenceSummary {
  // Owners and review dates are the ones the evaluation record holds (recorded at synth).
  const built = buildEvidenceModel(outdir, options);
  const provenance = readProvenance(outdir);
  const model = provenance === undefined ? built : { ...built, packs: built.packs.map((p) => withLibraryVersion(p, provenance)) };
  const baseline = options.baselineDir === undefined ? undefined : compareToBaseline(model, baselineModel(options.baselineDir, options));
  const matrix = buildControlMatrix(model);
  const csvFiles = nagReportCsvFiles(model);
  const judged: JudgedInputs = {
    ...(provenance ? { provenance } : {}),
    templates: templateHashes(outdir, model.stacks.map((s) => s.templateFile)),
    files: [
      { file: EVIDENCE_FILES.sarif, label: 'SARIF 2.1.0' },
      { file: EVIDENCE_FILES.junit, label: 'JUnit XML' },
      { file: EVIDENCE_FILES.matrixJson, label: 'control matrix (JSON)' },
      { file: EVIDENCE_FILES.matrixCsv, label: 'control matrix (CSV)' },
      ...csvFiles.map((f) => ({ file: f.file, label: `cdk-nag report: ${f.pack}, stack ${f.stackPath}` })),
    ],
    ...(baseline && options.baselineDir ? { baseline: { dir: options.baselineDir, comparison: baseline } } : {}),
  };
  const outputs: [string, string][] = [
    [EVIDENCE_FILES.sarif, JSON.stringify(toSarif(model, lineFinder(outdir), baseline), undefined, 2)],
    [EVIDENCE_FILES.matrixJson, JSON.stringify(matrix, undefined, 2)],
    [EVIDENCE_FILES.matrixCsv, controlMatrixCsv(matrix)],
    [EVIDENCE_FILES.junit, toJunitXml(model)],
    ...csvFiles.map((f): [string, string] => [f.file, f.content]),
    [EVIDENCE_FILES.html, renderEvidenceHtml(model, matrix, [transferInstrumentsSection(outdir, model.generatedAt)], judged)],
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
    ...(baseline ? { baseline } : {}),
  };
}

/** The previous assembly's model, judged with the same register; a failure names the baseline. */
function baselineModel(dir: string, options: ReportOptions): EvidenceModel {
  try {
    return buildEvidenceModel(dir, options.now ? { now: options.now } : {});
  } catch (err) {
    throw new Error(`baseline ${dir}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** A pack's version: the one recorded with the check, else the installed version of its library at synth. */
function withLibraryVersion(pack: PackSummary, provenance: SynthProvenance): PackSummary {
  if (pack.version !== undefined) return pack;
  const version = libraryVersionOf(pack.name, provenance.tools);
  return version === undefined ? pack : { ...pack, version };
}

/** One line per pack (`CrossBorder: 0 errors, 0 warnings, 12 acknowledged, 310 passed`), then where the page is. */
export function verdictLines(summary: EvidenceSummary, cwd = process.cwd()): string[] {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const packs = summary.model.packs.map(
    (p) =>
      `${p.name}: ${plural(p.failErrors, 'error')}, ${plural(p.fail - p.failErrors, 'warning')}, ${p.acknowledged} acknowledged, ${p.passesKnown ? `${p.pass} passed` : 'passes not known'}`,
  );
  const html = summary.files.find((f) => path.basename(f) === EVIDENCE_FILES.html) ?? EVIDENCE_FILES.html;
  const relative = path.relative(cwd, html);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? html : relative;
  return [...packs, `evidence: ${shown}`];
}

export interface SynthOptions extends EvidenceOptions, EvaluateOptions {
  /** The `residency:profile` synthesized, recorded as provenance. @default not recorded */
  readonly profile?: string;
  /** Where the verdict lines go (bin/app.ts: stderr, so `cdk synth` stdout stays the template). @default not printed */
  readonly print?: (text: string) => void;
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

function recordAndReport(app: Stage, options: SynthOptions) {
  const record = evaluateApp(app, app.outdir, options);
  writeEvaluation(app.outdir, record);
  recordProvenance(app.outdir, { ...(options.profile === undefined ? {} : { profile: options.profile }), ...(options.now ? { now: options.now } : {}) });
  const summary = writeEvidenceReport(app.outdir, options);
  options.print?.(verdictLines(summary).join('\n') + '\n');
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
export function synthWithEvidence(app: Stage, options: SynthOptions = {}): CloudAssembly {
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
export function synthOrExit(app: Stage, options: SynthOptions = {}): CloudAssembly {
  try {
    return synthWithEvidence(app, options);
  } catch (err) {
    if (!(err instanceof UnacknowledgedErrorsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
