/**
 * `residency ledger verify`: checks a local copy of the declaration ledger (made with
 * `aws s3 sync s3://<ledger-bucket>/ledger DIR`): first the hash chain (the first break is
 * reported), then what the chain says (every violation is named: a transfer or output declared
 * twice, a receipt for an undeclared output, a delivery without a final state or with its final
 * state overridden, and, given the outbound objects, a declared output missing or different, or an
 * undeclared one). It reads files only: an auditor can run it with no AWS access.
 *
 * Exit codes: 0 the chain verifies and tells the truth; 1 it does not (a break, a violation, or a
 * file that is not JSON), or the copy is missing or cannot be read (refused input, as in every
 * command); 2 bad usage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditLedger, summarizeLedger, verifyChain, type EntrySource, type LedgerHead, type OutputListing } from '../../lambda/core/ledger';
import { OUTBOUND_PREFIX } from '../constructs/transfer-prefixes';
import { CliError, type CliIo } from './io';
import { fileErrorReason, parseFlags } from './options';
import { readInventory, readOutputsDir } from './ledger-outputs';
import { brokenChainMarkdown, registerMarkdown } from './ledger-register';

const USAGE = `usage: residency ledger verify --dir DIR [--outputs DIR | --inventory FILE] [--settled]
                               [--format json|markdown] [--anchor SEQ:HASH]

  --dir DIR          a local copy of the ledger: aws s3 sync s3://<ledger-bucket>/ledger DIR
  --outputs DIR      a local copy of the outbound prefix: aws s3 sync s3://<outbound-bucket>/${OUTBOUND_PREFIX.replace(/\/$/, '')} DIR
                     (every declared output must be there with its declared size and SHA-256,
                     and nothing undeclared)
  --inventory FILE   instead of a copy: the manifest.json of an S3 Inventory (CSV) of the outbound
                     bucket, or the JSON of aws s3api list-objects-v2 --prefix ${OUTBOUND_PREFIX} (keys and sizes)
  --prefix PREFIX    the outbound prefix the copy or inventory covers (default ${OUTBOUND_PREFIX})
  --settled          every delivery has had time to conclude: a declaration without a receipt is a
                     violation (otherwise it is listed as undelivered)
  --format           json (default): a summary; markdown: the transfer register for auditors
  --anchor SEQ:HASH  a head known from elsewhere (the DynamoDB head item, the last audit's report)
                     that the chain must contain: detects entries cut off its end

exit: 0 the chain verifies and has no violation; 1 a break or violations (each named), or a
      copy that is missing or cannot be read; 2 bad usage`;

const BROKEN = 1;
const BAD_USAGE = 2;

type Format = 'json' | 'markdown';

interface VerifyOptions {
  readonly dir: string;
  readonly format: Format;
  readonly anchor?: LedgerHead;
  readonly outputs?: () => OutputListing;
  readonly settled: boolean;
}

/** An error's message; fs errors from another realm (as under jest) fail `instanceof Error`. */
function messageOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string' ? err.message : String(err);
}

function parseAnchor(text: string): LedgerHead {
  const match = /^(\d{1,12}):([0-9a-f]{64})$/.exec(text);
  if (match === null || Number(match[1]) < 1) {
    throw new CliError(`--anchor: got "${text}"; expected SEQ:HASH such as 42:${'0'.repeat(64)}`, BAD_USAGE);
  }
  return { seq: Number(match[1]), hash: match[2] as string };
}

function parseVerifyOptions(args: string[]): VerifyOptions | 'help' {
  const values = parseFlags(args, {
      dir: { type: 'string' },
      format: { type: 'string', default: 'json' },
      anchor: { type: 'string' },
      outputs: { type: 'string' },
      inventory: { type: 'string' },
      prefix: { type: 'string', default: OUTBOUND_PREFIX },
      settled: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    });
  if (values.help) return 'help';
  if (values.dir === undefined) throw new CliError('--dir DIR is required (see --help)', BAD_USAGE);
  if (values.format !== 'json' && values.format !== 'markdown') {
    throw new CliError(`--format: got "${values.format}"; must be json or markdown`, BAD_USAGE);
  }
  if (values.outputs !== undefined && values.inventory !== undefined) {
    throw new CliError('--outputs and --inventory both list the outbound objects; give one (see --help)', BAD_USAGE);
  }
  const prefix = values.prefix;
  if (!prefix.endsWith('/')) throw new CliError(`--prefix: got "${prefix}"; expected a folder prefix ending in "/" such as ${OUTBOUND_PREFIX}`, BAD_USAGE);
  const { outputs: outputsDir, inventory } = values;
  const outputs =
    outputsDir !== undefined ? () => readOutputsDir(outputsDir, prefix) : inventory !== undefined ? () => readInventory(inventory, prefix) : undefined;
  return {
    dir: values.dir,
    format: values.format,
    anchor: values.anchor === undefined ? undefined : parseAnchor(values.anchor),
    ...(outputs === undefined ? {} : { outputs }),
    settled: values.settled,
  };
}

/** Every `*.json` file of the copy in name order (seq order, by construction of the keys), parsed. */
function readLedgerCopy(dir: string): { values: unknown[]; sources: EntrySource[] } {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((dirent) => dirent.isFile() && dirent.name.endsWith('.json'))
      .map((dirent) => dirent.name)
      .sort();
  } catch (err) {
    throw new CliError(`cannot read --dir ${dir}: ${fileErrorReason(err)}`, BROKEN);
  }
  if (names.length === 0) {
    throw new CliError(`no ledger entries (*.json) in ${dir}; copy them with: aws s3 sync s3://<ledger-bucket>/ledger ${dir}`, BROKEN);
  }
  const values: unknown[] = [];
  const sources: EntrySource[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${fileErrorReason(err)}`, BROKEN);
    }
    try {
      values.push(JSON.parse(text));
    } catch (err) {
      // The ledger only ever writes JSON: a file that is not JSON fails verification, it is not a usage error.
      throw new CliError(`${file} is not valid JSON (${messageOf(err)}): the ledger copy does not verify`, BROKEN);
    }
    sources.push({ file, text });
  }
  return { values, sources };
}

function verify(options: VerifyOptions, io: CliIo): number {
  const { values, sources } = readLedgerCopy(options.dir);
  const outputs = options.outputs?.();
  const verdict = verifyChain(values, { sources, anchor: options.anchor });
  if (!verdict.ok) {
    const { firstBreak } = verdict;
    io.stdout(options.format === 'markdown' ? brokenChainMarkdown(firstBreak) : `${JSON.stringify({ ok: false, firstBreak }, null, 2)}\n`);
    io.stderr(`ledger verify: chain broken at seq ${firstBreak.seq}${firstBreak.file === undefined ? '' : ` (${firstBreak.file})`}: ${firstBreak.reason}\n`);
    return BROKEN;
  }
  const violations = auditLedger(verdict.entries, { ...(outputs === undefined ? {} : { outputs }), settled: options.settled });
  const summary = summarizeLedger(verdict.entries);
  if (options.format === 'markdown') {
    io.stdout(registerMarkdown(summary, verdict.head, verdict.count, violations));
  } else {
    const { declarations, receipts, notices, undelivered, suppressions, erasures, undeliveredNotices } = summary;
    const report = { ok: violations.length === 0, entries: verdict.count, declarations, receipts, notices, undelivered, suppressions, erasures, undeliveredNotices, head: verdict.head, violations };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  }
  for (const violation of violations) {
    io.stderr(`ledger verify: ${violation.seq === undefined ? 'no seq' : `seq ${violation.seq}`} (${violation.identity}): ${violation.problem}\n`);
  }
  return violations.length === 0 ? 0 : BROKEN;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    io.stdout(`${USAGE}\n`);
    return subcommand === undefined ? BAD_USAGE : 0;
  }
  if (subcommand !== 'verify') throw new CliError(`unknown subcommand "${subcommand}"; expected verify (see --help)`, BAD_USAGE);
  const options = parseVerifyOptions(rest);
  if (options === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  return verify(options, io);
}
