/** The same kind of problem exits with the same code in every command (README, "Exit codes"), through the built CLI. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { closest } from '../../lib/suggest';
import { TempDir, TEST_KEY_HEX } from './support';

const ROOT = join(__dirname, '..', '..');

function residency(...args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['bin/residency.js', ...args], { cwd: ROOT, env: { ...process.env, RESIDENCY_TOKEN_KEY: TEST_KEY_HEX }, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

const RULE = 'rules/cn-home/sg-settlement.json';

describe('exit codes across commands', () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = new TempDir();
  });
  afterAll(() => dir.remove());

  test('a mistyped flag is a usage error (2) everywhere, with "did you mean"', () => {
    const cases: string[][] = [
      ['scan', '--in', 'x.jsonl', '--fromat', 'markdown'],
      ['assess', '--in', 'x.json', '--fromat', 'markdown'],
      ['ledger', 'verify', '--dir', '.', '--fromat', 'markdown'],
      ['sample', '--records', '1', '--out', 'x', '--fromat', 'csv'],
    ];
    for (const args of cases) {
      const run = residency(...args);
      expect({ args, status: run.status }).toEqual({ args, status: 2 });
      expect(run.stderr).toMatch(/unknown flag --fromat; did you mean --format\?/);
    }
    const run = residency('desensitize', '--rule', RULE, '--quarantne', 'q.jsonl');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown flag --quarantne; did you mean --quarantine\?/);
  });

  test('a missing required flag is 2 for every command', () => {
    for (const args of [['scan'], ['desensitize', '--rule', RULE], ['assess'], ['ledger', 'verify'], ['sample', '--out', 'x']]) {
      expect({ args, status: residency(...args).status }).toEqual({ args, status: 2 });
    }
  });

  test('an input file that does not exist is 1 for every command, and the message names it', () => {
    const missing = join(dir.path, 'missing.jsonl');
    const out = join(dir.path, 'o.jsonl');
    const cases: string[][] = [
      ['scan', '--in', missing],
      ['desensitize', '--rule', RULE, '--in', missing, '--out', out, '--quarantine', join(dir.path, 'q.jsonl')],
      ['assess', '--in', missing],
      ['desensitize', '--rule', join(dir.path, 'missing-rule.json'), '--in', missing, '--out', out, '--quarantine', join(dir.path, 'q.jsonl')],
    ];
    for (const args of cases) {
      const run = residency(...args);
      expect({ args, status: run.status }).toEqual({ args, status: 1 });
      expect(run.stderr).toContain('missing');
    }
  });

  test('a folder copy that does not exist is 1 for every command, named in words', () => {
    const missing = join(dir.path, 'no-such-copy');
    const cases: string[][] = [
      ['ledger', 'verify', '--dir', missing],
      ['incident', 'list', '--dir', missing],
      ['report', missing],
      ['preflight', missing],
    ];
    for (const args of cases) {
      const run = residency(...args);
      expect({ args, status: run.status }).toEqual({ args, status: 1 });
      expect(run.stderr).toContain('no-such-copy');
      expect(run.stderr).not.toMatch(/: ENOENT$|scandir/m);
    }
  });

  test('an unknown command is 2, with "did you mean"', () => {
    const run = residency('scna');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command "scna"; did you mean "scan"\?/);
  });
});

test('closest: typos and swaps are suggested, unrelated names are not', () => {
  expect(closest('homeRegoin', ['homeRegion', 'allowedRegions', 'projectName'])).toBe('homeRegion');
  expect(closest('fromat', ['format', 'in', 'workers'])).toBe('format');
  expect(closest('colour', ['format', 'in', 'workers'])).toBeUndefined();
});
