/**
 * Runs before every test file (jest `setupFiles`): a quiet run, and a current build of the CLI.
 *
 * - Powertools loggers in the Lambda code under test write nothing (their lines are not test output).
 * - Tests that spawn `bin/residency.js` run the compiled CLI in dist/, as users do; it is rebuilt here
 *   when a source is newer than the last build, under a lock so parallel jest workers build it once.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.built');
const LOCK = join(ROOT, '.dist-build.lock');
const SOURCE_DIRS = ['bin', 'lib', 'lambda', 'bench'];
const STALE_LOCK_MS = 120_000;

function newestSource(): number {
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    for (const name of readdirSync(join(ROOT, dir), { recursive: true }) as string[]) {
      if (name.endsWith('.ts')) newest = Math.max(newest, statSync(join(ROOT, dir, name)).mtimeMs);
    }
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return 0;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ensureBuiltCli(): void {
  if (builtAt() >= newestSource()) return;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // the lock went away meanwhile
      }
      sleep(100);
    }
  }
  try {
    if (builtAt() >= newestSource()) return;
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stderr}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

ensureBuiltCli();
