/**
 * `residency`: the command-line tool compliance officers and engineers run locally.
 * Each sub-command lives in lib/cli/<name>.ts and exports `run(args, io)`; this file only dispatches,
 * turns a CliError into a one-line message with a non-zero exit, and never prints a stack trace for bad input.
 */
import { INTERRUPTED, interruptAll, wasInterrupted } from '../lib/cli/interrupt';
import { CliError, type CliIo, defaultIo } from '../lib/cli/io';
import { didYouMean } from '../lib/suggest';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  scan: {
    summary: 'inventory a JSONL/CSV file: which fields hold which personal financial information',
    load: async () => (await import('../lib/cli/scan')).run,
  },
  desensitize: {
    summary: 'apply a transfer rule to a JSONL/CSV file before it leaves the home region',
    load: async () => (await import('../lib/cli/desensitize')).run,
  },
  assess: {
    summary: 'which mechanism a transfer needs (CAC 2024, GDPR), or whether a rule\'s legal basis fits',
    load: async () => (await import('../lib/cli/assess')).run,
  },
  ledger: {
    summary: 'verify a local copy of the declaration ledger; print its summary or transfer register',
    load: async () => (await import('../lib/cli/ledger')).run,
  },
  subject: {
    summary: 'people\'s rights: a subject\'s token, the suppression list, where their records are, erasure',
    load: async () => (await import('../lib/cli/subject')).run,
  },
  incident: {
    summary: 'open incidents and their notification clocks; record assessments; build an evidence pack',
    load: async () => (await import('../lib/cli/incident')).run,
  },
  report: {
    summary: 'write the evidence report (SARIF, control matrix, HTML) into a cloud assembly',
    load: async () => (await import('../lib/cli/report')).run,
  },
  sample: {
    summary: 'seeded synthetic payment records (JSONL or CSV) with every identifier planted, or a sample ledger',
    load: async () => (await import('../lib/cli/sample')).run,
  },
  preflight: {
    summary: 'before cdk deploy: global names, region/partition availability, accounts, secrets to fill',
    load: async () => (await import('../lib/cli/preflight')).run,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return ['usage: residency <command> [options]', '', 'commands:', ...lines].join('\n');
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`residency: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}\n${usage()}\n`);
    return 2;
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(INTERRUPTED); // a second Ctrl-C: out now
    stopping = true;
    // A stopped run never exits 0, even should the process end before the line below is out.
    process.exitCode = INTERRUPTED;
    void interruptAll().then((unwritten) => {
      const what = unwritten.length > 0 ? `not written: ${unwritten.join(', ')} (no .partial file left)` : 'no output was being written';
      // Exit once the line is out: stderr to a pipe is written asynchronously.
      process.stderr.write(`residency ${name}: interrupted by ${signal}; ${what}\n`, () => process.exit(INTERRUPTED));
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    // Interrupted, the run fails as its workers and files go away: the signal handler reports that.
    if (wasInterrupted()) return new Promise<number>(() => undefined);
    if (err instanceof CliError) {
      io.stderr(`residency ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

main(process.argv.slice(2), defaultIo).then(
  (code) => {
    // A run that finished as the signal came still reports the interruption (its handler exits 130).
    if (!wasInterrupted()) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`residency: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
