import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CrossBorderChecks } from '../../lib/nag/cross-border-checks';
import { CHECKS_METADATA_KEY, registerChecks } from '../../lib/nag/register-checks';
import { applyAcknowledgements } from '../../lib/nag/acknowledgement-register';
import { recordPacks } from '../../lib/nag/rule-recorder';
import { ACCOUNT, fixtureApp, HOME, POLICY } from './support/nag-fixtures';

describe('RuleRecorder (recordPacks)', () => {
  const app = fixtureApp();
  const stack = new Stack(app, 'Home', { env: { account: ACCOUNT, region: HOME } });
  const worker = new Role(stack, 'Worker', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  worker.addToPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
  const bucket = new Bucket(stack, 'Untagged');
  applyAcknowledgements(app, [
    { ruleId: 'CrossBorder-DataClassTagged', construct: 'Untagged', reason: 'fixture: the recorder must still see this finding', owner: 'storage-team', reviewBy: '2099-01-31' },
  ]);
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S10', reason: 'fixture: acknowledged without the register, so without an owner' });
  app.synth();
  const awsSolutions = new AwsSolutionsChecks();
  const crossBorder = new CrossBorderChecks(undefined, POLICY);
  const { rules, outcomes } = recordPacks(app, [awsSolutions, crossBorder]);

  test('keeps each finding of a multi-finding rule under the id an acknowledgement must use', () => {
    const wildcards = outcomes.filter((o) => o.ruleId === 'AwsSolutions-IAM5' && o.constructPath === 'Home/Worker/DefaultPolicy/Resource');
    expect(wildcards.map((o) => o.findingId).sort()).toEqual(['AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions-IAM5[Resource::*]']);
    expect(wildcards.every((o) => o.status === 'fail')).toBe(true);
  });

  test('keeps acknowledged findings with reason, owner and review date, and records passes', () => {
    expect(outcomes).toContainEqual(
      expect.objectContaining({
        findingId: 'CrossBorder-DataClassTagged',
        constructPath: 'Home/Untagged/Resource',
        status: 'acknowledged',
        acknowledgement: { id: 'CrossBorder-DataClassTagged', reason: 'fixture: the recorder must still see this finding', at: 'Home/Untagged', owner: 'storage-team', reviewBy: '2099-01-31' },
      }),
    );
    expect(outcomes.find((o) => o.findingId === 'AwsSolutions-S10' && o.constructPath === 'Home/Untagged/Resource')?.acknowledgement).toEqual({
      id: 'AwsSolutions-S10',
      reason: 'fixture: acknowledged without the register, so without an owner',
      at: 'Home/Untagged',
    });
    expect(outcomes).toContainEqual(expect.objectContaining({ ruleId: 'CrossBorder-StackRegionAllowed', constructPath: 'Home/Worker/Resource', status: 'pass' }));
  });

  test('counts not-applicable results per rule instead of listing them', () => {
    expect(outcomes.some((o) => o.ruleId === 'CrossBorder-LogRetentionCeiling')).toBe(false);
    expect(rules.find((r) => r.ruleId === 'CrossBorder-LogRetentionCeiling')?.notApplicable).toBeGreaterThan(0);
  });

  test('describes every rule of the packs it ran, with level and message', () => {
    expect(rules.find((r) => r.ruleId === 'CrossBorder-LogRetentionCeiling')).toMatchObject({ pack: 'CrossBorder', level: 'error', info: expect.stringContaining('90 days') });
    expect(rules.find((r) => r.ruleId === 'AwsSolutions-S1')).toMatchObject({ pack: 'AwsSolutions', info: 'The S3 Bucket has server access logs disabled.' });
  });

  test('the watched pack still reports exactly what it reports unwatched (each rule run once)', () => {
    const plain = new AwsSolutionsChecks().validateScope(app);
    expect(awsSolutions.validateScope(app)).toEqual(plain);
    expect(plain.violations.some((v) => v.ruleName === 'AwsSolutions-S10')).toBe(false);
    expect(plain.violations.some((v) => v.ruleName === 'AwsSolutions-IAM5[Action::s3:*]')).toBe(true);
  });
});

describe('applyAcknowledgements', () => {
  test('refuses an acknowledgement without an owner or a real review-by date, naming each', () => {
    const app = fixtureApp();
    new Bucket(new Stack(app, 'Home', { env: { account: ACCOUNT, region: HOME } }), 'B');
    const base = { ruleId: 'AwsSolutions-S1', construct: 'B', reason: 'a reason long enough for an auditor to read', owner: 'storage-team', reviewBy: '2099-01-31' };
    expect(() => applyAcknowledgements(app, [{ ...base, owner: ' ' }])).toThrow(/AwsSolutions-S1 on B: missing owner/);
    expect(() => applyAcknowledgements(app, [{ ...base, reviewBy: '2099-02-30' }])).toThrow(/reviewBy "2099-02-30" is not a YYYY-MM-DD date/);
    expect(() => applyAcknowledgements(app, [{ ...base, reviewBy: undefined as unknown as string }])).toThrow(/missing reviewBy/);
    expect(applyAcknowledgements(app, [base])[0].paths).toEqual(['Home/B']);
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
