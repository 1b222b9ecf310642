import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CrossBorderChecks } from '../../lib/nag/cross-border-checks';
import { CHECKS_METADATA_KEY, registerChecks } from '../../lib/nag/register-checks';
import { recordEvaluation } from '../../lib/nag/rule-recorder';
import { ACCOUNT, fixtureApp, HOME, POLICY } from './support/nag-fixtures';

describe('recordEvaluation', () => {
  const app = fixtureApp();
  const stack = new Stack(app, 'Home', { env: { account: ACCOUNT, region: HOME } });
  const worker = new Role(stack, 'Worker', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  worker.addToPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
  const bucket = new Bucket(stack, 'Untagged');
  Validations.of(bucket).acknowledge({ id: 'CrossBorder-DataClassTagged', reason: 'fixture: the recorder must still see this finding' });
  app.synth();
  const { rules, outcomes } = recordEvaluation(app, [{ name: 'AwsSolutions' }, { name: 'CrossBorder', crossBorder: POLICY }, { name: 'NoSuchPack' }]);

  test('keeps each finding of a multi-finding rule under the id an acknowledgement must use', () => {
    const wildcards = outcomes.filter((o) => o.ruleId === 'AwsSolutions-IAM5' && o.constructPath === 'Home/Worker/DefaultPolicy/Resource');
    expect(wildcards.map((o) => o.findingId).sort()).toEqual(['AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions-IAM5[Resource::*]']);
    expect(wildcards.every((o) => o.status === 'non-compliant')).toBe(true);
  });

  test('ignores acknowledgements and records passes, leaving not-applicable results out', () => {
    expect(outcomes).toContainEqual({ findingId: 'CrossBorder-DataClassTagged', ruleId: 'CrossBorder-DataClassTagged', constructPath: 'Home/Untagged/Resource', status: 'non-compliant' });
    expect(outcomes).toContainEqual(expect.objectContaining({ ruleId: 'CrossBorder-StackRegionAllowed', constructPath: 'Home/Worker/Resource', status: 'compliant' }));
    expect(outcomes.some((o) => o.ruleId === 'CrossBorder-LogRetentionCeiling')).toBe(false);
  });

  test('describes every rule of the packs it ran, with level and message', () => {
    expect(rules.get('CrossBorder-LogRetentionCeiling')).toMatchObject({ pack: 'CrossBorder', level: 'error', info: expect.stringContaining('90 days') });
    expect(rules.get('AwsSolutions-S1')).toMatchObject({ pack: 'AwsSolutions', info: 'The S3 Bucket has server access logs disabled.' });
    expect([...rules.values()].some((r) => r.pack === 'NoSuchPack')).toBe(false);
  });
});

describe('registerChecks', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'register-checks-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('registers the plugins and records them, with the CrossBorder policy, in every template', () => {
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    for (const id of ['Home', 'Other']) new Bucket(new Stack(app, id, { env: { account: ACCOUNT, region: HOME } }), 'Bucket');
    const crossBorder = new CrossBorderChecks(app, POLICY);
    registerChecks(app, new AwsSolutionsChecks(app));
    registerChecks(app, crossBorder);
    app.synth();
    for (const id of ['Home', 'Other']) {
      const template = JSON.parse(fs.readFileSync(path.join(outdir, `${id}.template.json`), 'utf8'));
      expect(template.Metadata[CHECKS_METADATA_KEY]).toEqual([{ name: 'AwsSolutions' }, { name: 'CrossBorder', policy: crossBorder.policy }]);
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((p: { pluginName: string }) => p.pluginName).sort()).toEqual(['AwsSolutions', 'CrossBorder']);
  });
});
