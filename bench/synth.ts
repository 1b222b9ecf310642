/**
 * Synth speed, side by side in one run through the same CDK CLI: `cdk synth` of this app (default
 * profile) against an empty one-stack app, alternating, `--rounds` times each (default 3). Prints
 * the median wall time of each, the ratio of the medians (issue 18: at most 3x, goal 2x), the CPU
 * seconds each used (user + system of the CLI and everything it ran; on Linux, from /proc), and the
 * load average before and after, so a figure taken on a busy machine says so.
 * Run: `npm run bench:synth [-- --rounds N]`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const LIMIT = 3;
const GOAL = 2;

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1, got "${values.rounds}"`);

/** CPU seconds of this process's finished children (Linux: cutime + cstime of /proc/self/stat); undefined elsewhere. */
function childCpuSeconds(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

interface Timing {
  readonly wall: number;
  readonly cpu: number | undefined;
}

function timedSynth(app: string, outdir: string): Timing {
  fs.rmSync(outdir, { recursive: true, force: true });
  const cpuBefore = childCpuSeconds();
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [CDK, 'synth', '--quiet', '--app', app, '--output', outdir], { cwd: ROOT, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = childCpuSeconds();
  if (run.status !== 0) throw new Error(`cdk synth --app "${app}" exited ${run.status}:\n${run.stderr.slice(-2000)}`);
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
try {
  const loadBefore = loadAverage();
  const empty = path.join(__dirname, 'empty-app.ts');
  const appCommand = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { app: string }).app;
  const emptyRuns: Timing[] = [];
  const appRuns: Timing[] = [];
  for (let round = 0; round < rounds; round++) {
    emptyRuns.push(timedSynth(`npx tsx ${empty}`, path.join(scratch, 'empty.out')));
    appRuns.push(timedSynth(appCommand, path.join(scratch, 'app.out')));
  }
  const emptyWall = median(emptyRuns.map((r) => r.wall));
  const appWall = median(appRuns.map((r) => r.wall));
  const ratio = appWall / emptyWall;
  const cpu = (runs: Timing[]) => (runs.every((r) => r.cpu !== undefined) ? `, ${median(runs.map((r) => r.cpu as number)).toFixed(1)} s CPU` : '');
  const emptyCpu = emptyRuns.every((r) => r.cpu !== undefined) ? median(emptyRuns.map((r) => r.cpu as number)) : undefined;
  const appCpu = appRuns.every((r) => r.cpu !== undefined) ? median(appRuns.map((r) => r.cpu as number)) : undefined;
  process.stdout.write(
    [
      `synth, empty one-stack app: ${emptyWall.toFixed(1)} s wall${cpu(emptyRuns)} (median of ${rounds})`,
      `synth, this app (default profile): ${appWall.toFixed(1)} s wall${cpu(appRuns)} (median of ${rounds})`,
      `ratio: ${ratio.toFixed(2)}x wall (limit ${LIMIT}x, goal ${GOAL}x)${ratio > LIMIT ? '  OVER THE LIMIT' : ratio <= GOAL ? '  within the goal' : '  within the limit'}` +
        (emptyCpu !== undefined && appCpu !== undefined ? `; ${(appCpu / emptyCpu).toFixed(2)}x CPU` : ''),
      `load average (1, 5, 15 min): ${loadBefore} before, ${loadAverage()} after`,
      '',
    ].join('\n'),
  );
  if (ratio > LIMIT) process.exitCode = 1;
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
