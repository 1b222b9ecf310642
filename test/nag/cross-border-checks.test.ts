import * as fs from 'fs';
import * as path from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { CrossBorderChecks } from '../../lib/nag/cross-border-checks';
import { CROSS_BORDER_RULES, crossBorderRuleId } from '../../lib/nag/cross-border-rules';
import { recordPacks } from '../../lib/nag/rule-recorder';
import { addCompliantStacks } from './support/compliant-app';
import { ACCOUNT, classify, crossBorderFindings, fixtureApp, POLICY } from './support/nag-fixtures';

const ALL_RULE_IDS = CROSS_BORDER_RULES.map(crossBorderRuleId);

describe('CrossBorderChecks', () => {
  const compliant = fixtureApp();
  addCompliantStacks(compliant);
  compliant.synth();

  test('a stack exercising every rule compliantly yields zero findings', () => {
    const report = new CrossBorderChecks(undefined, POLICY).validateScope(compliant);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('every rule applied to at least one resource of that stack and passed there', () => {
    const { outcomes } = recordPacks(compliant, [new CrossBorderChecks(undefined, POLICY)]);
    const passed = new Set(outcomes.filter((o) => o.status === 'pass').map((o) => o.ruleId));
    expect([...passed].sort()).toEqual([...ALL_RULE_IDS].sort());
    expect(outcomes.filter((o) => o.status !== 'pass')).toEqual([]);
  });

  test('a stack breaking each rule once is flagged by every rule', () => {
    const app = fixtureApp();
    const abroad = new Stack(app, 'Frankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    classify(new Bucket(abroad, 'Cards'), 'C2'); // region, C2 abroad, SSE-S3
    new Table(abroad, 'Legacy', { partitionKey: { name: 'cvv', type: AttributeType.STRING }, replicationRegions: ['us-east-1'] });
    new LogGroup(abroad, 'Logs', { retention: RetentionDays.INFINITE });
    new Role(abroad, 'Humans', { assumedBy: new AccountRootPrincipal() });
    const ops = new Role(abroad, 'Ops', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    new Key(abroad, 'Key').addToResourcePolicy(new PolicyStatement({ actions: ['kms:*'], principals: [ops], resources: ['*'] }));
    new CfnTrail(abroad, 'Trail', { isLogging: true, s3BucketName: 'arn:aws:s3:::elsewhere' });

    const flagged = new Set(crossBorderFindings(app).map((f) => f.ruleId));
    expect([...flagged].sort()).toEqual([...ALL_RULE_IDS].sort());
  });

  test('reports rule ids CrossBorder-<Rule>, info as description, and the explanation when verbose', () => {
    const app = fixtureApp();
    new LogGroup(new Stack(app, 'Home', { env: { account: ACCOUNT, region: 'cn-north-1' } }), 'Logs', { retention: RetentionDays.ONE_YEAR });
    app.synth();
    const terse = new CrossBorderChecks(undefined, POLICY).validateScope(app).violations.find((v) => v.ruleName === 'CrossBorder-LogRetentionCeiling');
    expect(terse).toMatchObject({ severity: 'error', description: expect.stringContaining('longer than 90 days') });
    const verbose = new CrossBorderChecks(undefined, { ...POLICY, verbose: true }).validateScope(app).violations.find((v) => v.ruleName === 'CrossBorder-LogRetentionCeiling');
    expect(verbose?.description).toContain('PIPL Art. 19');
  });

  test('honours acknowledgements made with Validations.of(construct).acknowledge', () => {
    const app = fixtureApp();
    const bucket = new Bucket(new Stack(app, 'Home', { env: { account: ACCOUNT, region: 'cn-north-1' } }), 'Untagged');
    Validations.of(bucket).acknowledge({ id: 'CrossBorder-DataClassTagged', reason: 'fixture: acknowledged to prove the pack honours it' });
    const rules = new Set(crossBorderFindings(app).map((f) => f.ruleId));
    expect(rules.has('CrossBorder-DataClassTagged')).toBe(false);
    expect(rules.has('CrossBorder-DataStoreCustomerManagedKey')).toBe(true);
  });

  test('docs/auditors.md describes every rule', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/auditors.md'), 'utf8');
    expect(ALL_RULE_IDS.filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });

  test('refuses an unknown region or a nonsensical ceiling, naming each problem', () => {
    expect(() => new CrossBorderChecks(undefined, { homeRegion: 'cn-north-9', maxLogRetentionDays: 0 })).toThrow(
      /region "cn-north-9" is not a known region[\s\S]*maxLogRetentionDays must be a whole number/,
    );
  });
});
