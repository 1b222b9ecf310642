import * as fs from 'fs';
import * as path from 'path';
import { readEvaluation } from '../evaluation/record';
import { baselineText } from '../report/baseline';
import { EVIDENCE_FILES, writeEvidenceReport } from '../report/write-evidence-report';
import { readCanaryResults } from '../runtime-checks/control-proof';
import { CliError, type CliIo } from './io';

const USAGE = `usage: residency report [CLOUD_ASSEMBLY_DIR] [--strict] [--canary DIR] [--baseline OLD_ASSEMBLY_DIR]

Reads a synthesized cloud assembly (default: cdk.out) and writes into it:
  ${EVIDENCE_FILES.sarif}       SARIF 2.1.0 for code-scanning tools
  ${EVIDENCE_FILES.matrixJson}   requirement -> rules -> constructs -> result
  ${EVIDENCE_FILES.matrixCsv}    the same, one row per construct, for spreadsheets
  ${EVIDENCE_FILES.junit}   JUnit XML for CI: a test suite per pack, a test case per rule and resource
  <pack>-<stack>-NagReport.csv   cdk-nag's per-stack compliance report
  ${EVIDENCE_FILES.html}          the page for auditors

  --strict   exit 1 when an error finding is neither fixed nor acknowledged (or, with --canary, on any canary incident)
  --canary DIR   a local copy of the leak canary's records (aws s3 sync s3://<evidence bucket>/canary DIR):
                 their runs and incidents go into the page's "After deploy" section
  --baseline OLD_ASSEMBLY_DIR   a previous cloud assembly: prints new, fixed and changed findings and
                 acknowledgements, and marks SARIF results with their baselineState
`;

/** The value of `--name VALUE`, and the arguments without both; refuses a missing value. */
function takeOption(args: readonly string[], name: string, what: string): { value?: string; rest: string[] } {
  const at = args.indexOf(name);
  if (at === -1) return { rest: [...args] };
  const value = args[at + 1];
  if (value === undefined || value.startsWith('-')) throw new CliError(`${name} needs ${what}\n${USAGE}`, 2);
  if (args.indexOf(name, at + 1) !== -1) throw new CliError(`${name} given twice\n${USAGE}`, 2);
  return { value, rest: args.filter((_, i) => i !== at && i !== at + 1) };
}

/** `residency report`: the evidence report of a cloud assembly, for auditors and CI. */
export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const { value: canaryDir, rest: afterCanary } = takeOption(args, '--canary', 'a directory');
  const { value: baselineArg, rest } = takeOption(afterCanary, '--baseline', 'a cloud assembly directory');
  const unknown = rest.filter((a) => a.startsWith('-') && a !== '--strict');
  if (unknown.length > 0) throw new CliError(`unknown option ${unknown.join(', ')}\n${USAGE}`, 2);
  const positional = rest.filter((a) => !a.startsWith('-'));
  if (positional.length > 1) throw new CliError(`expected one cloud assembly directory, got ${positional.length}\n${USAGE}`, 2);
  const dir = path.resolve(positional[0] ?? 'cdk.out');
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new CliError(`${dir} is not a cloud assembly (no manifest.json); run "npx cdk synth" first`);
  }
  const baselineDir = baselineArg === undefined ? undefined : path.resolve(baselineArg);
  if (baselineDir !== undefined && !fs.existsSync(path.join(baselineDir, 'manifest.json'))) {
    throw new CliError(`--baseline ${baselineArg}: not a cloud assembly (no manifest.json)`);
  }
  let canary;
  if (canaryDir !== undefined) {
    if (!fs.existsSync(canaryDir) || !fs.statSync(canaryDir).isDirectory()) throw new CliError(`--canary ${canaryDir}: no such directory`);
    try {
      canary = readCanaryResults(path.resolve(canaryDir));
    } catch (err) {
      throw new CliError(`--canary ${canaryDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let summary;
  let profile;
  try {
    // The assembly's own evaluation record says which profile it was synthesized with; owners and
    // review dates of its acknowledgements are recorded there too, never read from cdk.json.
    profile = readEvaluation(dir).profile;
    summary = writeEvidenceReport(dir, { ...(canary ? { canary } : {}), ...(baselineDir ? { baselineDir } : {}) });
  } catch (err) {
    throw new CliError(`could not build the evidence report from ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  io.stdout(
    [
      `evidence written to ${dir} (profile ${profile ?? 'not recorded'}):`,
      ...summary.files.map((f) => `  ${path.basename(f)}`),
      `${summary.errorFindings} error finding(s), ${summary.warningFindings} warning(s), ${summary.acknowledged} acknowledged, ${summary.passed} passed, ${summary.stale} stale acknowledgement(s)`,
      ...(canary ? [`leak canary: ${canary.runs.length} run(s), ${canary.incidents.length} incident(s)`] : []),
      ...(summary.baseline && baselineDir ? [baselineText(summary.baseline, baselineDir)] : []),
      '',
    ].join('\n'),
  );
  return rest.includes('--strict') && (summary.errorFindings > 0 || (canary?.incidents.length ?? 0) > 0) ? 1 : 0;
}
