/**
 * Runs before every test file (jest `setupFiles`): a quiet run, and a current build of the CLI.
 *
 * - Powertools loggers in the Lambda code under test write nothing (their lines are not test output),
 *   nor does the AWS SDK's Node.js version notice.
 * - Apps built by a suite neither bundle with esbuild nor run CDK's built-in CloudFormation schema
 *   validation (about 2 s of WebAssembly start-up in every suite that synthesizes): construct suites
 *   assert on template content. The real app of every profile is still synthesized once per run
 *   with both, by the global setup (test/support/global-setup.ts, a separate process this file does
 *   not reach), and the one bundle-size test bundles for real.
 * - Tests that spawn `bin/residency.js` run the compiled CLI in dist/, as users do; it is rebuilt here
 *   when a source is newer than the last build, under a lock so parallel jest workers build it once.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
// Metrics the handlers under test flush (EMF lines on stdout) are not test output either.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// The SDK's notice that its releases after January 2027 need Node.js 22 (this machine runs 20; the
// functions run 22 or 24): true, once, and not test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
/** Context every `new App()` in a suite reads (CDK gives it precedence over the App's own `context`). */
export const SUITE_CONTEXT = { 'aws:cdk:bundling-stacks': [] };
process.env.CDK_CONTEXT_JSON ??= JSON.stringify(SUITE_CONTEXT);
process.env.CDK_VALIDATION ??= 'false';

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
