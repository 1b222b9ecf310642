/**
 * `residency ledger verify`: checks a local copy of the declaration ledger (made with
 * `aws s3 sync s3://<ledger-bucket>/ledger DIR`) and reports the first break, or a summary of what
 * was declared and delivered. It reads files only: an auditor can run it with no AWS access.
 *
 * Exit codes: 0 the chain verifies; 1 it does not (a break, or a file that is not JSON);
 * 2 bad usage or a directory or file that cannot be read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeLedger, verifyChain, type EntrySource, type LedgerHead } from '../../lambda/core/ledger';
import { CliError, type CliIo } from './io';
import { brokenChainMarkdown, registerMarkdown } from './ledger-register';

const USAGE = `usage: residency ledger verify --dir DIR [--format json|markdown] [--anchor SEQ:HASH]

  --dir DIR          a local copy of the ledger: aws s3 sync s3://<ledger-bucket>/ledger DIR
  --format           json (default): a summary; markdown: the transfer register for auditors
  --anchor SEQ:HASH  a head known from elsewhere (the DynamoDB head item, the last audit's report)
                     that the chain must contain: detects entries cut off its end

exit: 0 the chain verifies; 1 it does not (first break named); 2 bad usage or unreadable directory`;

const BROKEN = 1;
const BAD_USAGE = 2;

type Format = 'json' | 'markdown';

interface VerifyOptions {
  readonly dir: string;
  readonly format: Format;
  readonly anchor?: LedgerHead;
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
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        dir: { type: 'string' },
        format: { type: 'string', default: 'json' },
        anchor: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new CliError(`${messageOf(err)} (see --help)`, BAD_USAGE);
  }
  if (values.help) return 'help';
  if (values.dir === undefined) throw new CliError('--dir DIR is required (see --help)', BAD_USAGE);
  if (values.format !== 'json' && values.format !== 'markdown') {
    throw new CliError(`--format: got "${values.format}"; must be json or markdown`, BAD_USAGE);
  }
  return { dir: values.dir, format: values.format, anchor: values.anchor === undefined ? undefined : parseAnchor(values.anchor) };
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
    throw new CliError(`cannot read --dir ${dir}: ${messageOf(err)}`, BAD_USAGE);
  }
  if (names.length === 0) {
    throw new CliError(`no ledger entries (*.json) in ${dir}; copy them with: aws s3 sync s3://<ledger-bucket>/ledger ${dir}`, BAD_USAGE);
  }
  const values: unknown[] = [];
  const sources: EntrySource[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${messageOf(err)}`, BAD_USAGE);
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
  const verdict = verifyChain(values, { sources, anchor: options.anchor });
  if (!verdict.ok) {
    const { firstBreak } = verdict;
    io.stdout(options.format === 'markdown' ? brokenChainMarkdown(firstBreak) : `${JSON.stringify({ ok: false, firstBreak }, null, 2)}\n`);
    io.stderr(`ledger verify: chain broken at seq ${firstBreak.seq}${firstBreak.file === undefined ? '' : ` (${firstBreak.file})`}: ${firstBreak.reason}\n`);
    return BROKEN;
  }
  const summary = summarizeLedger(verdict.entries);
  if (options.format === 'markdown') {
    io.stdout(registerMarkdown(summary, verdict.head, verdict.count));
  } else {
    const { declarations, receipts, undelivered, suppressions, erasures, undeliveredNotices } = summary;
    io.stdout(
      `${JSON.stringify({ ok: true, entries: verdict.count, declarations, receipts, undelivered, suppressions, erasures, undeliveredNotices, head: verdict.head }, null, 2)}\n`,
    );
  }
  return 0;
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
