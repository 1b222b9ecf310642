/**
 * Synth speed, side by side in one run through the same CDK CLI: `cdk synth` of this app (default
 * profile) against an empty one-stack app. Prints both wall times and the ratio (issue 18: at
 * most 3x, goal 2x). Run: `npm run bench:synth`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

function timedSynth(app: string, outdir: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [CDK, 'synth', '--quiet', '--app', app, '--output', outdir], { cwd: ROOT, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`cdk synth --app "${app}" exited ${run.status}:\n${run.stderr.slice(-2000)}`);
  return seconds;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
try {
  const empty = path.join(__dirname, 'empty-app.ts');
  const appCommand = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { app: string }).app;
  const emptySeconds = timedSynth(`npx tsx ${empty}`, path.join(scratch, 'empty.out'));
  const appSeconds = timedSynth(appCommand, path.join(scratch, 'app.out'));
  const ratio = appSeconds / emptySeconds;
  process.stdout.write(
    [
      `synth, empty one-stack app: ${emptySeconds.toFixed(1)} s`,
      `synth, this app (default profile): ${appSeconds.toFixed(1)} s`,
      `ratio: ${ratio.toFixed(2)}x (limit 3x, goal 2x)${ratio > 3 ? '  OVER THE LIMIT' : ''}`,
      `load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      '',
    ].join('\n'),
  );
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
