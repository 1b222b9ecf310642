import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { EVALUATION_FILE, readEvaluation } from '../../lib/evaluation/record';

const ROOT = path.join(__dirname, '..', '..');
const APP = path.join(__dirname, 'fixtures', 'findings-app.ts');

/** Runs the fixture app as `cdk synth` runs an app: its own process, CDK_OUTDIR, app mode "process". */
function synth(finding: string): { status: number | null; stderr: string; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `synth-exit-${finding}-`));
  const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), APP], {
    cwd: ROOT,
    env: { ...process.env, FINDING: finding, CDK_OUTDIR: outdir, CDK_APP_MODE: 'process', NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stderr: run.stderr, outdir };
}

describe('a synth with an unacknowledged error finding exits non-zero, whichever plugin found it', () => {
  const runs = new Map<string, ReturnType<typeof synth>>();
  beforeAll(() => {
    for (const finding of ['none', 'nag', 'guard']) runs.set(finding, synth(finding));
  });
  afterAll(() => {
    for (const { outdir } of runs.values()) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('clean (an acknowledged guard finding only): exit 0 with the record written', () => {
    const run = runs.get('none')!;
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(readEvaluation(run.outdir).outcomes.filter((o) => o.status === 'acknowledged').map((o) => o.ruleId)).toContain('CT.CLOUDWATCH.PR.2');
    expect(readEvaluation(run.outdir).outcomes.filter((o) => o.status === 'fail')).toEqual([]);
  });

  test('cdk-nag (CrossBorder) error: exit 1, naming the finding', () => {
    const run = runs.get('nag')!;
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('synth failed: 1 unacknowledged error finding(s)');
    expect(run.stderr).toContain('[CrossBorder-LogRetentionCeiling] Home/TwoYears/Resource');
    expect(fs.existsSync(path.join(run.outdir, EVALUATION_FILE))).toBe(true);
  });

  test('cfn-guard error next to an acknowledged one (CDK itself lets this pass): exit 1, naming the finding', () => {
    const run = runs.get('guard')!;
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('synth failed: 1 unacknowledged error finding(s)');
    expect(run.stderr).toContain('[cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check] Home/Plain/Resource');
    expect(readEvaluation(run.outdir).profile).toBe('fixture-guard');
  });
});
