/**
 * Jest global setup: synthesizes every fixture profile once per run, all in one child process
 * (write-fixture.ts says why one), into a fresh directory under the OS temp dir that the workers
 * find through FIXTURE_ROOT_ENV and the global teardown removes. A profile that fails to
 * synthesize fails the run with its error.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PROFILES, FIXTURE_ROOT_ENV, OUTER_TMPDIR_ENV } from './fixture-profiles';

function synthesize(root: string, profiles: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'write-fixture.ts'), root, ...profiles], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`fixture assemblies (profiles ${profiles.join(', ')}) failed to synthesize (exit ${code}):\n${stderr}`)),
    );
  });
}

export default async function globalSetup(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'residency-fixtures-'));
  process.env[FIXTURE_ROOT_ENV] = root;
  // The OS temp dir of everything this run starts (workers, the CLI, CDK's outdir-less synths, each
  // leaving a cdk.outXXXX), inside the root the teardown removes: a run leaves nothing behind in /tmp.
  const runTmp = join(root, 'tmp');
  mkdirSync(runTmp);
  process.env[OUTER_TMPDIR_ENV] = process.env.TMPDIR ?? '';
  process.env.TMPDIR = runTmp;
  try {
    await synthesize(root, FIXTURE_PROFILES);
  } catch (err) {
    restoreTmpdir();
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/** TMPDIR as it was before the run. */
export function restoreTmpdir(): void {
  const outer = process.env[OUTER_TMPDIR_ENV];
  if (outer === undefined) return;
  if (outer === '') delete process.env.TMPDIR;
  else process.env.TMPDIR = outer;
  delete process.env[OUTER_TMPDIR_ENV];
}
