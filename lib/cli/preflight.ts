import * as fs from 'fs';
import * as path from 'path';
import { readAssemblyStacks } from '../report/cloud-assembly';
import { checklistText, preflight } from '../preflight/preflight';
import { CliError, type CliIo } from './io';

const USAGE = `usage: residency preflight [CLOUD_ASSEMBLY_DIR] [--format text|json]

Checks a synthesized cloud assembly (default: cdk.out) for what its templates cannot say about the
real target, before "cdk deploy": global names (S3 bucket names carry the account and are valid),
availability of every resource type and feature in the stack's partition and region (the dated,
sourced table in lib/availability.ts), account-bound values, and the secrets to fill before their
first rotation. Prints a checklist; exits 1 when there is a blocker, 0 otherwise.
`;

/** `residency preflight`: the checklist a platform engineer runs before `cdk deploy`. */
export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let format = 'text';
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format' || arg.startsWith('--format=')) {
      format = arg.includes('=') ? arg.slice('--format='.length) : (args[++i] ?? '');
      if (format !== 'text' && format !== 'json') throw new CliError(`--format: got "${format}"; expected text or json\n${USAGE}`, 2);
    } else if (arg.startsWith('-')) {
      throw new CliError(`unknown option ${arg}\n${USAGE}`, 2);
    } else positional.push(arg);
  }
  if (positional.length > 1) throw new CliError(`expected one cloud assembly directory, got ${positional.length}\n${USAGE}`, 2);
  const dir = path.resolve(positional[0] ?? 'cdk.out');
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new CliError(`${dir} is not a cloud assembly (no manifest.json); run "npx cdk synth" first`);
  }
  let stacks;
  try {
    stacks = readAssemblyStacks(dir);
  } catch (err) {
    throw new CliError(`could not read the cloud assembly ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (stacks.length === 0) throw new CliError(`${dir} holds no stack`);
  const report = preflight(stacks);
  io.stdout(format === 'json' ? `${JSON.stringify({ assembly: dir, ...report }, null, 2)}\n` : checklistText(report, dir));
  return report.blockers > 0 ? 1 : 0;
}
