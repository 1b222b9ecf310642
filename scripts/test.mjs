#!/usr/bin/env node
/**
 * `npm test`: the type check, the lint and the jest suite, run side by side rather than one after
 * the other (they are independent; tsc and eslint run at a lower priority and take the cycles jest
 * leaves, in its global setup and between suites). Jest prints as it goes; the type check and the lint print
 * their output once each is done. Exits non-zero when any of the three fails, naming which.
 *
 * Arguments are passed to jest (`npm test -- test/cli` runs that folder, still type-checked and linted).
 */
import { spawn } from 'node:child_process';
import process from 'node:process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const bin = (pkg, file) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

const jobs = [
  { name: 'typecheck', args: [bin('typescript', 'bin/tsc'), '--noEmit', '--pretty'], buffered: true },
  { name: 'lint', args: [bin('eslint', 'bin/eslint.js'), '.'], buffered: true },
  { name: 'jest', args: [bin('jest', 'bin/jest.js'), ...process.argv.slice(2)], buffered: false },
];

const started = Date.now();
const seconds = (from) => ((Date.now() - from) / 1000).toFixed(1);
const children = [];

function run(job) {
  return new Promise((resolve) => {
    const from = Date.now();
    const child = spawn(process.execPath, job.args, { cwd: root, stdio: job.buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    children.push(child);
    // Jest is the long pole: the type check and the lint take the cycles it leaves (nice 10), so
    // its workers are never starved (a starved worker misses jest's 500 ms exit deadline).
    if (job.buffered && child.pid !== undefined) {
      try {
        setPriority(child.pid, 10);
      } catch {
        // not permitted here: they run at normal priority
      }
    }
    let output = '';
    if (job.buffered) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('error', (err) => resolve({ ...job, ok: false, took: seconds(from), output: `could not start ${job.name}: ${err.message}\n` }));
    child.on('close', (code, signal) => {
      const result = { ...job, ok: code === 0, took: seconds(from), output, code: code ?? signal };
      if (job.buffered) {
        process.stdout.write(result.ok ? `${job.name}: ok (${result.took} s)\n` : `\n${job.name}: FAILED (exit ${result.code}, ${result.took} s)\n${output}\n`);
      }
      resolve(result);
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(130);
  });
}

const results = await Promise.all(jobs.map(run));
const failed = results.filter((r) => !r.ok);
process.stdout.write(`\n${results.map((r) => `${r.name} ${r.ok ? 'ok' : 'FAILED'} ${r.took} s`).join(' · ')} · wall ${seconds(started)} s\n`);
if (failed.length > 0) {
  process.stderr.write(`npm test failed: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exit(1);
}
