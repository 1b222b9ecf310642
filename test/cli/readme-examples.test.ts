/**
 * Every CLI example in the README runs as written: the ```sh blocks of the "The `residency` command
 * line" section, run with `sh -e` in a temp folder that has the repository's rules and docs, `npx
 * residency` being this checkout's built CLI (as `npx` resolves it inside the repository).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TempDir } from './support';

const ROOT = join(__dirname, '..', '..');

function cliSection(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## The `residency` command line');
  if (start === -1) throw new Error('README.md has no "The `residency` command line" section');
  const next = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, next === -1 ? undefined : next);
}

function shBlocks(section: string): string[] {
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

test('the README\'s CLI examples run as written, each command exiting 0', () => {
  const blocks = shBlocks(cliSection());
  expect(blocks.length).toBeGreaterThan(0);
  const script = blocks.join('\n');
  // Every command the section documents for local files is exercised.
  for (const command of ['sample', 'scan', 'desensitize', 'assess']) expect(script).toMatch(new RegExp(`npx residency ${command} `));
  const dir = new TempDir();
  try {
    for (const folder of ['rules', 'docs', 'schemas']) symlinkSync(join(ROOT, folder), join(dir.path, folder));
    const prelude = `npx() { if [ "$1" = residency ]; then shift; node ${JSON.stringify(join(ROOT, 'bin', 'residency.js'))} "$@"; else echo "unexpected npx $*" >&2; return 127; fi; }\n`;
    const result = spawnSync('sh', ['-e', '-c', prelude + script], { cwd: dir.path, encoding: 'utf8', env: { ...process.env, RESIDENCY_TOKEN_KEY: '' } });
    expect(result.stderr).not.toMatch(/internal error|unexpected npx/);
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    const summary = JSON.parse(result.stdout.split('\n').find((line) => line.startsWith('{"read"')) ?? '{}') as { read?: number; written?: number };
    expect(summary.read).toBe(200);
    expect(summary.written).toBeGreaterThan(0);
  } finally {
    dir.remove();
  }
});
