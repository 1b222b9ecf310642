import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { CrossBorderChecks } from '../../lib/nag/cross-border-checks';
import { EVIDENCE_FILES, synthWithEvidence } from '../../lib/report/write-evidence-report';
import { ACCOUNT, HOME, POLICY } from '../nag/support/nag-fixtures';

describe('synthWithEvidence', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-evidence-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('writes the evidence even when synthesis fails on findings, and rethrows that failure', () => {
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    new Bucket(new Stack(app, 'Home', { env: { account: ACCOUNT, region: HOME } }), 'Untagged');
    Validations.of(app).addPlugins(new CrossBorderChecks(app, POLICY));
    expect(() => synthWithEvidence(app)).toThrow(/CrossBorder-DataClassTagged/);
    const html = fs.readFileSync(path.join(outdir, EVIDENCE_FILES.html), 'utf8');
    expect(html).toContain('CrossBorder-DataClassTagged');
    expect(html).toContain('Home/Untagged/Resource');
  });
});
