import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CloudFormationValidatePlugin, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { applyAcknowledgements, guardRuleId } from '../../lib/nag/acknowledgement-register';
import { CrossBorderChecks } from '../../lib/nag/cross-border-checks';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { applicableRuleFiles, controlTowerRuleFiles, controlTowerRules, earlyGuardRunCount, ensureGuardExecutable, GUARD_PLUGIN_NAME, earlyValidations, guardRunCount, reportedTypes, residencyGuardValidator } from '../../lib/nag/guard';
import { fixtureAssembly } from '../support/fixture-assembly';
import { threadedValidationCount } from '../../lib/nag/cloudformation-validation';
import { readValidationReport } from '../../lib/report/validation-report';
import { ACCOUNT, HOME, POLICY } from './support/nag-fixtures';

const RETENTION_RULE = 'cloudwatch_log_group_retention_period_check';

describe('Control Tower catalogue', () => {
  test('reads every bundled control with its guard rule name and resource types', () => {
    const rules = controlTowerRules();
    expect(rules.length).toBeGreaterThan(200);
    expect(rules.find((r) => r.controlId === 'CT.CLOUDWATCH.PR.2')).toEqual({
      controlId: 'CT.CLOUDWATCH.PR.2',
      ruleName: RETENTION_RULE,
      title: 'Require an Amazon CloudWatch log group to be retained for at least one year',
      reportsOn: ['AWS::Logs::LogGroup'],
    });
    expect(new Set(rules.map((r) => r.controlId)).size).toBe(rules.length);
  });

  test('guardRuleId turns a CT id into the id CDK acknowledges, and refuses unknown ids', () => {
    expect(guardRuleId('CT.CLOUDWATCH.PR.2')).toBe(`${GUARD_PLUGIN_NAME}::${RETENTION_RULE}`);
    expect(() => guardRuleId('CT.CLOUDWATCH.PR.99')).toThrow(/unknown Control Tower control "CT.CLOUDWATCH.PR.99"/);
  });
});

describe('the resource types a control reports on', () => {
  test('the header line is read whole: every type of a comma-separated list, nothing from the lines after it', () => {
    const header = '# Reports on:\n#   AWS::IAM::Policy, AWS::IAM::Role, AWS::IAM::User, AWS::IAM::Group\n# \n# Evaluates:\n#   AWS CloudFormation, AWS CloudFormation hook\n';
    expect(reportedTypes(header)).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);
    expect(reportedTypes("let q = Resources.*[ Type == 'AWS::SQS::Queue' ]\n")).toEqual([]);
    expect(controlTowerRules().find((r) => r.controlId === 'CT.IAM.PR.1')?.reportsOn).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);
  });

  test('a header misspelling a type is read as the code spells it, so an Auto Scaling group is still checked', () => {
    const rule = "# Reports on:\n#   AWS::AutoScaling::AutoscalingGroup\n# \nlet AUTOSCALING_GROUP_TYPE = \"AWS::AutoScaling::AutoScalingGroup\"\n";
    expect(reportedTypes(rule)).toEqual(['AWS::AutoScaling::AutoScalingGroup']);
    const asgControls = controlTowerRuleFiles().filter((file) => /AutoscalingGroup/.test(fs.readFileSync(file, 'utf8').split('\n').slice(0, 15).join('\n')));
    expect(asgControls.length).toBeGreaterThan(0);
    const run = applicableRuleFiles(new Set(['AWS::AutoScaling::AutoScalingGroup']));
    for (const file of asgControls) expect({ file: path.basename(file), run: run.includes(file) }).toEqual({ file: path.basename(file), run: true });
  });

  test('a rule file of our own without the header runs when a type it names is present, or when it names none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-own-'));
    try {
      const queue = path.join(dir, 'queue.guard');
      fs.writeFileSync(queue, "let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]\nrule queue_named when %queues !empty {\n  %queues.Properties.QueueName exists\n}\n");
      const any = path.join(dir, 'any.guard');
      fs.writeFileSync(any, 'rule has_description {\n  Description exists\n}\n');
      expect(applicableRuleFiles(new Set(['AWS::SQS::Queue']), [queue, any]).filter((f) => f.startsWith(dir))).toEqual([queue, any]);
      expect(applicableRuleFiles(new Set(['AWS::S3::Bucket']), [queue, any]).filter((f) => f.startsWith(dir))).toEqual([any]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every bundled control reports on at least one type, and only on types its file names', () => {
    const files = controlTowerRuleFiles();
    expect(files.length).toBeGreaterThan(200);
    const wrong = files.flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const reported = reportedTypes(text);
      return reported.length === 0 || reported.some((type) => !text.includes(`'${type}'`) && !text.includes(`"${type}"`)) ? [path.basename(file)] : [];
    });
    expect(wrong).toEqual([]);
  });

  test('the controls left out of the default profile\'s run (they report on no type it has) find nothing in its templates when run anyway', () => {
    const fixture = fixtureAssembly('default');
    const templatePaths = fixture.stacks.map((s) => path.join(fixture.directory, `${s.artifactId}.template.json`));
    const present = new Set(Object.values(fixture.templates).flatMap((t) => Object.values((t.Resources ?? {}) as Record<string, { Type: string }>).map((r) => r.Type)));
    const run = new Set(applicableRuleFiles(present));
    // Left out although the file names a type the app has (a type it looks up, such as a distribution's bucket).
    const leftOut = controlTowerRuleFiles().filter((file) => !run.has(file) && (fs.readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []).some((type) => present.has(type)));
    expect(leftOut.length).toBeGreaterThan(10);
    expect(run.size).toBeGreaterThan(20);
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: leftOut }).validate({ templatePaths, appConstruct: new App() });
    expect(report.violations).toEqual([]);
  });
});

describe('ensureGuardExecutable', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-bin-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('restores the executable bit a copy without file modes lost', () => {
    const binary = path.join(dir, 'cfn-guard');
    fs.writeFileSync(binary, '#!/bin/sh\n', { mode: 0o644 });
    ensureGuardExecutable(binary);
    expect(fs.statSync(binary).mode & 0o111).toBe(0o111);
  });

  test('explains what to do when the binary is missing', () => {
    expect(() => ensureGuardExecutable(path.join(dir, 'missing'))).toThrow(/cannot be executed.*chmod \+x/);
  });
});

describe.each([
  ['in its turn (CDK\'s CloudFormation validation off)', false],
  ['started early, beside CDK\'s CloudFormation validation', true],
])('residencyGuardValidator at synth, %s', (_mode, early) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-synth-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  let runs = 0;
  let earlyRuns = 0;

  beforeAll(() => {
    const app = new App({ outdir, builtinCloudFormationValidation: early, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    for (const id of ['Acknowledged', 'Plain']) {
      new LogGroup(new Stack(app, id, { env: { account: ACCOUNT, region: HOME } }), 'Logs', { retention: RetentionDays.ONE_MONTH });
    }
    applyAcknowledgements(app.node.findChild('Acknowledged'), [
      {
        ruleId: guardRuleId('CT.CLOUDWATCH.PR.2'),
        construct: 'Logs',
        reason: 'Operational logs are kept 30 days by design (storage limitation); the audit record is kept immutable for longer.',
        owner: 'security',
        reviewBy: '2099-01-01',
      },
    ]);
    // A nag pack with writeSuppressionsToCloudFormation copies every acknowledgement, guard ones included, into the template.
    const guard = residencyGuardValidator();
    // The suites run with CDK_VALIDATION=false (test/jest-setup.ts); the early mode needs CDK's validation on.
    const saved = process.env.CDK_VALIDATION;
    if (early) delete process.env.CDK_VALIDATION;
    try {
      const started = earlyValidations(app, guard);
      expect(started === undefined).toBe(!early);
      if (started) Validations.of(app).addPlugins(started.first);
      Validations.of(app).addPlugins(guard, new CrossBorderChecks(app, { ...POLICY, writeSuppressionsToCloudFormation: true }));
      if (started) Validations.of(app).addPlugins(started.last);
      const before = [guardRunCount(), earlyGuardRunCount()];
      app.synth();
      runs = guardRunCount() - (before[0] as number);
      earlyRuns = earlyGuardRunCount() - (before[1] as number);
    } finally {
      if (saved !== undefined) process.env.CDK_VALIDATION = saved;
    }
  });

  test('runs cfn-guard once for both templates and every applicable rule file', () => {
    expect({ runs, earlyRuns }).toEqual({ runs: 1, earlyRuns: early ? 1 : 0 });
  });

  test('flags a 30-day log group with CT.CLOUDWATCH.PR.2', () => {
    const guard = readValidationReport(outdir)?.find((p) => p.pluginName === GUARD_PLUGIN_NAME);
    const retention = guard?.findings.filter((f) => f.ruleName === RETENTION_RULE) ?? [];
    expect(retention.filter((f) => f.acknowledgement === undefined).map((f) => f.constructPath)).toEqual(['Plain/Logs/Resource']);
    expect(retention.find((f) => f.constructPath === 'Plain/Logs/Resource')).toMatchObject({
      severity: 'error',
      description: expect.stringContaining('[CT.CLOUDWATCH.PR.2]'),
      templatePath: 'Plain.template.json',
    });
  });

  test('an acknowledgement on the construct moves the finding to acknowledged, with its reason, in the report and the template', () => {
    const guard = readValidationReport(outdir)?.find((p) => p.pluginName === GUARD_PLUGIN_NAME);
    const acknowledged = guard?.findings.find((f) => f.ruleName === RETENTION_RULE && f.acknowledgement !== undefined);
    expect(acknowledged).toMatchObject({
      constructPath: 'Acknowledged/Logs/Resource',
      acknowledgement: { id: guardRuleId('CT.CLOUDWATCH.PR.2'), reason: expect.stringContaining('30 days by design'), at: 'Acknowledged/Logs' },
    });
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Acknowledged.template.json'), 'utf8'));
    const logGroup = Object.values(template.Resources as Record<string, { Type: string; Metadata?: unknown }>).find((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroup?.Metadata).toEqual({
      cdk_nag: { rules_to_suppress: [{ id: guardRuleId('CT.CLOUDWATCH.PR.2'), reason: expect.stringContaining('30 days by design') }] },
    });
  });
});

describe('residencyGuardValidator rule selection', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-select-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('still evaluates our own rule files, and skips the run only when no rule can apply', () => {
    const ruleFile = path.join(dir, 'queue.guard');
    fs.writeFileSync(ruleFile, "let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]\nrule queue_named when %queues !empty {\n  %queues.Properties.QueueName exists\n}\n");
    const template = path.join(dir, 'Queue.template.json');
    fs.writeFileSync(template, JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {} } } }));
    const plugin = residencyGuardValidator({ extraRules: [ruleFile] });
    const context = { templatePaths: [template], stackTemplates: [], appConstruct: new App() };
    const before = guardRunCount();
    const report = plugin.validate(context);
    expect(report.violations.map((v) => v.ruleName)).toContain('queue_named');
    expect(guardRunCount() - before).toBe(1);
    const unrelated = path.join(dir, 'Other.template.json');
    fs.writeFileSync(unrelated, JSON.stringify({ Resources: { X: { Type: 'AWS::Some::Unchecked', Properties: {} } } }));
    expect(residencyGuardValidator().validate({ templatePaths: [unrelated], stackTemplates: [], appConstruct: new App() })).toEqual({ success: true, violations: [] });
    expect(guardRunCount() - before).toBe(1);
  });

  test('a run started early that fails fails the validation, as the run in its turn does: it never passes by default', () => {
    const rule = path.join(dir, 'gone.guard');
    fs.writeFileSync(rule, "let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]\nrule queue_named when %queues !empty {\n  %queues.Properties.QueueName exists\n}\n");
    const template = path.join(dir, 'Queue.template.json');
    fs.writeFileSync(template, JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {} } } }));
    const saved = process.env.CDK_VALIDATION;
    delete process.env.CDK_VALIDATION;
    try {
      const guard = residencyGuardValidator({ extraRules: [rule] });
      // The rule file goes away after the plugin was made: cfn-guard cannot run.
      fs.rmSync(rule);
      const app = new App({ outdir: dir });
      const early = earlyValidations(app, guard);
      const context = { templatePaths: [template], stackTemplates: [], appConstruct: app };
      expect(() => guard.validate(context)).toThrow(/ENOENT/);
      // Early: the first plugin starts the run, the guard plugin collects it in its turn.
      const withStacks = { ...context, stackTemplates: [{ stackConstructPath: 'Queue', templatePath: template, accountId: undefined, region: undefined }] };
      expect(early?.first.validate(withStacks)).toEqual({ success: true, violations: [] });
      expect(() => guard.validate(context)).toThrow(/cfn-guard failed: .*ENOENT/);
      expect(early?.last.validate(withStacks).success).toBe(true);
    } finally {
      if (saved !== undefined) process.env.CDK_VALIDATION = saved;
    }
  });

  test('one CloudFormation validation per process, as CDK keeps its own: each app still starts its own cfn-guard run', () => {
    const saved = process.env.CDK_VALIDATION;
    delete process.env.CDK_VALIDATION;
    try {
      const one = earlyValidations(new App({ outdir: dir }), residencyGuardValidator());
      const two = earlyValidations(new App({ outdir: dir }), residencyGuardValidator());
      expect(one?.last).toBeInstanceOf(CloudFormationValidatePlugin);
      expect(two?.last).toBe(one?.last);
      expect(two?.first).not.toBe(one?.first);
    } finally {
      if (saved !== undefined) process.env.CDK_VALIDATION = saved;
    }
  });

  test('CDK\'s CloudFormation validation run on the worker reports what it reports in this thread, errors and all', () => {
    const templatePath = path.join(dir, 'Invalid.template.json');
    fs.writeFileSync(templatePath, JSON.stringify({ Resources: { Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 31 } }, Q: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'x' } } } }));
    const saved = process.env.CDK_VALIDATION;
    delete process.env.CDK_VALIDATION;
    try {
      const app = new App({ outdir: dir });
      const context = { templatePaths: [templatePath], stackTemplates: [{ stackConstructPath: 'Invalid', templatePath, accountId: undefined, region: 'cn-north-1' }], appConstruct: app };
      const early = earlyValidations(app, residencyGuardValidator());
      const before = threadedValidationCount();
      early?.first.validate(context);
      const threaded = early?.last.validate(context);
      expect(threadedValidationCount() - before).toBe(1);
      expect(threaded?.success).toBe(false);
      expect(threaded?.violations.map((v) => [v.ruleName, v.severity, v.violatingResources.map((r) => r.resourceLogicalId)])).toEqual(
        expect.arrayContaining([
          ['F3012', 'error', ['Q']],
          ['W3030', 'warning', ['Logs']],
        ]),
      );
      // Not started for these templates: CDK's own validation runs in this thread (its engine not started here: spied).
      const inThread = jest.spyOn(CloudFormationValidatePlugin.prototype, 'validate').mockReturnValue({ success: true, violations: [] });
      try {
        expect(early?.last.validate(context)).toEqual({ success: true, violations: [] });
        expect(inThread).toHaveBeenCalledTimes(1);
      } finally {
        inThread.mockRestore();
      }
      expect(threadedValidationCount() - before).toBe(1);
    } finally {
      if (saved !== undefined) process.env.CDK_VALIDATION = saved;
    }
  });

  /** The findings of an early run (started by CDK's validation, collected in the plugin's turn) of `ruleText` over one template. */
  function earlyRun(name: string, ruleText: string, template: object) {
    const rule = path.join(dir, `${name}.guard`);
    fs.writeFileSync(rule, ruleText);
    const templatePath = path.join(dir, `${name}.template.json`);
    fs.writeFileSync(templatePath, JSON.stringify(template));
    const saved = process.env.CDK_VALIDATION;
    delete process.env.CDK_VALIDATION;
    try {
      const guard = residencyGuardValidator({ extraRules: [rule] });
      const app = new App({ outdir: dir });
      const context = { templatePaths: [templatePath], stackTemplates: [{ stackConstructPath: name, templatePath, accountId: undefined, region: undefined }], appConstruct: app };
      const early = earlyValidations(app, guard);
      early?.first.validate(context);
      const report = guard.validate(context);
      early?.last.validate(context);
      return { templatePath, report };
    } finally {
      if (saved !== undefined) process.env.CDK_VALIDATION = saved;
    }
  }

  test('an early run reads copies without Metadata, and its findings name the assembly\'s template and logical id', () => {
    const { templatePath, report } = earlyRun('Named', "let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]\nrule queue_named when %queues !empty {\n  %queues.Properties.QueueName exists\n}\n", {
      Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {}, Metadata: { 'aws:cdk:path': 'Named/Q/Resource' } } },
    });
    const resources = report.violations.flatMap((v) => v.violatingResources);
    // Every finding (ours and the Control Tower controls' on the queue) names the template CDK wrote.
    expect(resources.length).toBeGreaterThan(0);
    expect([...new Set(resources.map((r) => `${r.templatePath}#${r.resourceLogicalId}`))]).toEqual([`${templatePath}#Q`]);
    expect(report.violations.map((v) => v.ruleName)).toContain('queue_named');
  });

  test('a rule that reads Metadata is given the templates with it', () => {
    const rule = "let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]\nrule queue_traced when %queues !empty {\n  %queues.Metadata exists\n}\n";
    const withMetadata = earlyRun('Traced', rule, { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {}, Metadata: { 'aws:cdk:path': 'Traced/Q/Resource' } } } });
    expect(withMetadata.report.violations.map((v) => v.ruleName)).not.toContain('queue_traced');
    const without = earlyRun('Untraced', rule, { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: {} } } });
    expect(without.report.violations.map((v) => v.ruleName)).toContain('queue_traced');
  });
});
