/**
 * `residency`: the command-line tool compliance officers and engineers run locally.
 * Each sub-command lives in lib/cli/<name>.ts and exports `run(args, io)`; this file only dispatches,
 * turns a CliError into a one-line message with a non-zero exit, and never prints a stack trace for bad input.
 */
import { run as desensitize } from '../lib/cli/desensitize';
import { CliError, type CliIo, defaultIo } from '../lib/cli/io';
import { run as scan } from '../lib/cli/scan';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  scan: {
    summary: 'inventory a JSONL/CSV file: which fields hold which personal financial information',
    // Static import: the launcher registers tsx for require() only, so a dynamic import() of a .ts file fails.
    load: async () => scan,
  },
  desensitize: {
    summary: 'apply a transfer rule to a JSONL/CSV file before it leaves the home region',
    load: async () => desensitize,
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
    io.stderr(`residency: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`residency ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

main(process.argv.slice(2), defaultIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`residency: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
