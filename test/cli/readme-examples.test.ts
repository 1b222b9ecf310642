/**
 * Every `residency` example in README.md and docs/*.md runs as written. The shell code blocks
 * (```sh, ```bash, ```shell) are read in order, README first: a block whose commands are all
 * concrete runs with `sh` in one temp folder that has the repository's rules, docs and schemas,
 * `npx residency` being this checkout's built CLI (as `npx` resolves it inside the repository) and
 * `npx cdk synth` the assembly this jest run synthesized from bin/app.ts (without bundling). Each
 * `residency` command must exit 0, or the code its comment states ("# exits 1", not "exits 1 if …"), and leave
 * the files it names with --out, --quarantine, --plan-out, --record-out or `>` non-empty.
 *
 * A block with a placeholder (`…`, `<bucket>`) or an `aws` call needs data or an account this
 * repository does not have: its `residency` commands are checked against the command's --help
 * instead (the command exists, and so does every flag). No `residency` command may sit in a code
 * block of any other language, where neither check would see it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureAssembly } from '../support/fixture-assembly';
import { TempDir } from './support';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'residency.js');
const DOCUMENTS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell']);

interface Block {
  readonly file: string;
  /** Line of the opening fence. */
  readonly line: number;
  readonly language: string;
  readonly lines: readonly string[];
}

interface Command {
  readonly where: string;
  /** The command as a shell runs it (continuation lines joined, no `$ ` prompt). */
  readonly text: string;
  readonly isResidency: boolean;
  readonly expectedExit: number;
  readonly outputs: readonly string[];
}

function codeBlocks(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] as string);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string);
    blocks.push({ file, line: start + 1, language: open[1] ?? '', lines: body });
  }
  return blocks;
}

const RESIDENCY = /(^|[|(;&]\s*)(npx (--no-install )?)?residency\s/;
const STARTS_AS_COMMAND = /^\s*(\$ )?(npx (--no-install )?)?residency\s+[a-z-]+(\s|$)/;
const PLACEHOLDER = /…|<[A-Za-z][\w .-]*>/;
const AWS_CALL = /(^|[|(;&]\s*)aws\s/;
const OUTPUT_FLAGS = ['out', 'quarantine', 'plan-out', 'record-out'];

/** A comment after the command: ` # …`. */
function splitComment(line: string): { code: string; comment: string } {
  const match = /\s#\s/.exec(line);
  return match === null ? { code: line, comment: '' } : { code: line.slice(0, match.index), comment: line.slice(match.index) };
}

function commandsOf(block: Block): Command[] {
  const prompted = block.lines.some((line) => line.startsWith('$ '));
  const commands: Command[] = [];
  for (let i = 0; i < block.lines.length; i++) {
    let line = block.lines[i] as string;
    const where = `${block.file}:${block.line + 1 + i}`;
    if (prompted) {
      if (!line.startsWith('$ ')) continue; // the output shown after the prompt
      line = line.slice(2);
    }
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    let { code, comment } = splitComment(line);
    while (code.trimEnd().endsWith('\\') && i + 1 < block.lines.length) {
      const next = splitComment(block.lines[++i] as string);
      code = `${code.trimEnd().slice(0, -1)} ${next.code.trim()}`;
      comment += next.comment;
    }
    // "exits 1" states the code here; "exits 1 if …" (on, when, unless) only a condition.
    const stated = /\bexits? (\d+)\b(?!\s+(?:if|when|on|while|unless)\b)/.exec(comment);
    const outputs = [
      ...OUTPUT_FLAGS.flatMap((flag) => [...code.matchAll(new RegExp(`--${flag}\\s+(\\S+)`, 'g'))].map((m) => m[1] as string)),
      ...[...code.matchAll(/(?:^|\s)>\s*(\S+)/g)].map((m) => m[1] as string),
    ];
    commands.push({ where, text: code.trim(), isResidency: RESIDENCY.test(code), expectedExit: stated === null ? 0 : Number(stated[1]), outputs });
  }
  return commands;
}

const blocks = DOCUMENTS.flatMap(codeBlocks);
const shellBlocks = blocks.filter((block) => SHELL_LANGUAGES.has(block.language)).map((block) => ({ block, commands: commandsOf(block) }));
const withResidency = shellBlocks.filter(({ commands }) => commands.some((c) => c.isResidency));
const isTemplate = (commands: readonly Command[]) => commands.some((c) => PLACEHOLDER.test(c.text) || AWS_CALL.test(c.text));
const runnable = withResidency.filter(({ commands }) => !isTemplate(commands));
const templates = withResidency.filter(({ commands }) => isTemplate(commands));

const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The script of the runnable blocks: each residency command checked for its exit code and its outputs. */
function script(fixture: string): string {
  const lines = [
    'set -e',
    // npx as inside the repository: the local build; `cdk synth` gives this run's assembly.
    `npx() { case "$1" in residency) shift; node ${sq(CLI)} "$@";; cdk) [ "$2" = synth ] && rm -rf cdk.out && cp -R ${sq(fixture)} cdk.out;; *) echo "unexpected npx $*" >&2; return 127;; esac; }`,
    `fail() { echo "$1" >&2; exit 97; }`,
  ];
  for (const { commands } of runnable) {
    for (const command of commands) {
      if (!command.isResidency) {
        lines.push(command.text);
        continue;
      }
      lines.push(`__rc=0; { ${command.text}\n} || __rc=$?`);
      lines.push(`[ "$__rc" = ${command.expectedExit} ] || fail ${sq(`${command.where}: exited `)}"$__rc"${sq(`, documented ${command.expectedExit}: ${command.text}`)}`);
      for (const output of command.outputs) lines.push(`[ -s ${output} ] || fail ${sq(`${command.where}: wrote nothing to ${output}: ${command.text}`)}`);
    }
  }
  return lines.join('\n');
}

test('no residency command hides in a code block that is not shell', () => {
  const hidden = blocks
    .filter((block) => !SHELL_LANGUAGES.has(block.language))
    .flatMap((block) => block.lines.map((line, i) => ({ where: `${block.file}:${block.line + 1 + i} (\`\`\`${block.language})`, line })))
    .filter(({ line }) => STARTS_AS_COMMAND.test(line))
    .map(({ where }) => where);
  expect(hidden).toEqual([]);
});

test('the README\'s examples of every local command are concrete, so they run', () => {
  const readme = runnable.filter(({ block }) => block.file === 'README.md').flatMap(({ commands }) => commands.filter((c) => c.isResidency).map((c) => c.text));
  for (const command of ['sample --', 'sample ledger', 'sample incidents', 'scan', 'desensitize', 'assess', 'ledger verify', 'report', 'preflight', 'subject token', 'subject suppress', 'subject find', 'incident list', 'incident evidence']) {
    expect({ command, found: readme.some((text) => text.includes(`residency ${command}`)) }).toEqual({ command, found: true });
  }
});

test('every concrete example runs as written, in order, each exiting as documented and writing what it names', () => {
  expect(runnable.length).toBeGreaterThan(3);
  const dir = new TempDir();
  try {
    for (const folder of ['rules', 'docs', 'schemas']) symlinkSync(join(ROOT, folder), join(dir.path, folder));
    const result = spawnSync('sh', ['-c', script(fixtureAssembly('default').directory)], {
      cwd: dir.path,
      encoding: 'utf8',
      env: { ...process.env, RESIDENCY_TOKEN_KEY: '' },
      maxBuffer: 64 << 20,
    });
    expect(result.stderr).not.toMatch(/internal error|unexpected npx/);
    // On a failure: which example, and the last lines the commands wrote to stderr before it.
    const stderr = result.stderr.split('\n');
    const failure = stderr.filter((line) => /^(README|docs\/)/.test(line)).map((line) => [line, ...stderr.filter((l) => l !== line).slice(-4)].join('\n  '));
    expect({ status: result.status, failure }).toEqual({ status: 0, failure: [] });
  } finally {
    dir.remove();
  }
});

/** `residency COMMAND [SUB]` and the flags a template line passes. */
function commandAndFlags(text: string): { words: string[]; flags: string[] } {
  const after = text.slice(text.search(/residency\s/) + 'residency'.length).trim().split(/\s+/);
  const words = after.slice(0, after[1] !== undefined && /^[a-z]+$/.test(after[1]) ? 2 : 1);
  // Flags of other programs (`<(aws s3api … --bucket …)`) are not this command's.
  const own = text.replace(/[<$]\([^)]*\)/g, (inner) => (RESIDENCY.test(inner.slice(2)) ? inner : ''));
  const flags = [...own.matchAll(/(?:^|\s)--([a-z][a-z0-9-]*)/g)].map((m) => m[1] as string);
  return { words, flags };
}

/** What `residency WORDS --help` prints, asked once per run for each command (many examples share one). */
const helpTexts = new Map<string, string>();
function helpOf(words: readonly string[]): string {
  const key = words.join(' ');
  let text = helpTexts.get(key);
  if (text === undefined) {
    const run = spawnSync('node', [CLI, ...words, '--help'], { encoding: 'utf8' });
    text = `${run.stdout}${run.stderr}`;
    helpTexts.set(key, text);
  }
  return text;
}

test.each(templates.map(({ block, commands }) => [`${block.file}:${block.line}`, commands] as const))(
  'the examples needing data this repository lacks (%s) name real commands and flags',
  (_where, commands) => {
    for (const command of commands.filter((c) => c.isResidency)) {
      const { words, flags } = commandAndFlags(command.text);
      const help = [words.slice(0, 1), words].map(helpOf).join('\n');
      expect({ where: command.where, known: !/unknown command/.test(help) }).toEqual({ where: command.where, known: true });
      const unknown = flags.filter((flag) => !help.includes(`--${flag}`));
      expect({ where: command.where, unknown }).toEqual({ where: command.where, unknown: [] });
    }
  },
);
