import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ClassifiedBucket } from '../../lib/constructs/classified-bucket';
import { LeakCanary } from '../../lib/constructs/leak-canary';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { RuntimeChecks } from '../../lib/constructs/runtime-checks';
import { CROSS_BORDER_RULES } from '../../lib/nag/cross-border-rules';
import { RUNTIME_TWINS, runtimeConfigRules } from '../../lib/runtime-checks/catalog';

function build(configRecorder: 'create' | 'existing' = 'create', region = 'cn-north-1') {
  const app = new App();
  const stack = new Stack(app, 'Home', { env: { account: '111111111111', region } });
  const key = (id: string) => new kms.Key(stack, `${id}Key`);
  const auditKey = key('Audit');
  const outboundKey = key('Outbound');
  const accessLogs = new s3.Bucket(stack, 'AccessLogs');
  const topic = new sns.Topic(stack, 'Alarms', { masterKey: auditKey });
  const route = { topic, topicKey: auditKey };
  const outbound = new ClassifiedBucket(stack, 'Outbound', { dataClass: 'C1', encryptionKey: outboundKey, residency: 'cn-north-1', accessLogsBucket: accessLogs });
  const checks = new RuntimeChecks(stack, 'RuntimeChecks', {
    policy: { homeRegion: 'cn-north-1', allowedRegions: ['cn-north-1', 'ap-southeast-1'], maxLogRetentionDays: 30 },
    bucketRegions: { 'paydata-landing': 'ap-southeast-1' },
    accessLogTargets: [accessLogs.bucketName],
    route,
    auditKey,
    environmentKey: outboundKey,
    logsKey: key('Logs'),
    logRetentionDays: 30,
    residency: 'cn-north-1',
    accessLogsBucket: accessLogs,
    evidenceRetentionDays: 400,
    configRecorder,
  });
  const canary = new LeakCanary(stack, 'LeakCanary', {
    outbound,
    outboundPrefix: 'outbound/',
    results: checks.evidence,
    route,
    network: new PrivateNetwork(stack, 'Network', { flowLogsBucket: accessLogs, logsKey: key('NetworkLogs'), logRetentionDays: 30, residency: 'cn-north-1' }),
    environmentKey: outboundKey,
    logsKey: key('CanaryLogs'),
    logRetentionDays: 30,
    residency: 'cn-north-1',
  });
  return { stack, template: Template.fromStack(stack), checks, canary, outbound };
}

const built = build();
const { template, stack } = built;
const statementsOfRole = (roleConstruct: { permissions: { node: { defaultChild?: unknown } } }) => {
  const id = stack.getLogicalId(roleConstruct.permissions.node.defaultChild as never);
  return (template.toJSON().Resources[id].Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>).map((s) => ({ ...s, Action: [s.Action].flat() }));
};

describe('AWS Config twins of the CrossBorder rules', () => {
  test('every CrossBorder rule is in the catalog: a runtime twin or a stated reason', () => {
    expect(RUNTIME_TWINS.map((t) => t.rule)).toEqual(CROSS_BORDER_RULES.map((d) => d.create.name));
    for (const twin of RUNTIME_TWINS) expect(twin.kind === 'runtime' ? twin.configRules.length : twin.reason.length).toBeGreaterThan(0);
  });

  test('one Config rule per runtime twin, custom ones judged by the evaluator with their judgement', () => {
    template.resourceCountIs('AWS::Config::ConfigRule', runtimeConfigRules().length);
    const evaluatorArn = { 'Fn::GetAtt': [stack.getLogicalId(built.checks.evaluator.function.node.defaultChild as never), 'Arn'] };
    for (const rule of runtimeConfigRules()) {
      template.hasResourceProperties('AWS::Config::ConfigRule', {
        ConfigRuleName: `Home-${rule.name}`,
        Source:
          rule.source.owner === 'CUSTOM_LAMBDA'
            ? { Owner: 'CUSTOM_LAMBDA', SourceIdentifier: evaluatorArn, SourceDetails: Match.arrayWith([{ EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' }]) }
            : { Owner: 'AWS', SourceIdentifier: rule.source.identifier },
        ...(rule.source.owner === 'CUSTOM_LAMBDA' ? { InputParameters: { judgement: rule.name } } : {}),
      });
    }
    template.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'S3_BUCKET_DEFAULT_LOCK_ENABLED' }, InputParameters: { mode: 'COMPLIANCE' }, Scope: { TagKey: 'data-class', TagValue: 'audit' } });
  });

  test('Config may invoke the evaluator for this account only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'config.amazonaws.com', SourceAccount: '111111111111', Action: 'lambda:InvokeFunction' });
  });

  test('NON_COMPLIANT goes to the CIS alarm topic through EventBridge', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'Home-RuntimeCheckNonCompliant',
      EventPattern: { source: ['aws.config'], 'detail-type': ['Config Rules Compliance Change'], detail: { newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } } },
      Targets: [Match.objectLike({ Arn: { Ref: stack.getLogicalId(stack.node.findChild('Alarms').node.defaultChild as never) } })],
    });
  });

  test('the recorder: created with the service-linked role by default, none when Control Tower records', () => {
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    template.hasResourceProperties('AWS::IAM::ServiceLinkedRole', { AWSServiceName: 'config.amazonaws.com' });
    template.hasResourceProperties('AWS::Config::DeliveryChannel', { S3KeyPrefix: 'config', S3KmsKeyArn: Match.anyValue() });
    const existing = build('existing').template;
    existing.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    existing.resourceCountIs('AWS::Config::DeliveryChannel', 0);
    existing.resourceCountIs('AWS::Config::ConfigRule', runtimeConfigRules().length);
  });
});

describe('leak canary', () => {
  const canaryFn = () => stack.getLogicalId(built.canary.function.function.node.defaultChild as never);

  test('in aws-cn (EventBridge Scheduler not known to be offered): an EventBridge rule with a schedule expression, retries and the dead-letter queue', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [canaryFn(), 'Arn'] }, DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }) })],
    });
  });

  test('where EventBridge Scheduler is offered: a Scheduler schedule, with retries and the dead-letter queue', () => {
    const commercial = build('create', 'ap-southeast-1');
    const fn = commercial.stack.getLogicalId(commercial.canary.function.function.node.defaultChild as never);
    commercial.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: { Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: { MaximumRetryAttempts: 3 } },
    });
  });

  test('its role reads outbound/ only: objects under the prefix, a listing conditioned on it, decryption through S3', () => {
    const statements = statementsOfRole(built.canary.function.role);
    const reads = statements.filter((s) => s.Action.some((a) => /^s3:Get/.test(a)));
    expect(reads).toHaveLength(1);
    expect(reads[0].Action.sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(JSON.stringify(reads[0].Resource)).toContain('/outbound/*');
    const lists = statements.filter((s) => s.Action.includes('s3:ListBucket'));
    expect(lists).toEqual([expect.objectContaining({ Condition: { StringLike: { 's3:prefix': ['outbound/*'] } } })]);
    const decrypts = statements.filter((s) => s.Action.includes('kms:Decrypt'));
    expect(decrypts.length).toBeGreaterThan(0);
    for (const d of decrypts) expect(JSON.stringify(d.Condition)).toMatch(/"kms:ViaService":\{"Fn::Join":\["",\["s3\.cn-north-1\./);
    const writes = statements.filter((s) => s.Action.includes('s3:PutObject')).map((s) => JSON.stringify(s.Resource));
    expect(writes).toHaveLength(2);
    expect(writes.every((w) => /\/canary\/(incidents|runs)\/\*/.test(w))).toBe(true);
    expect(statements.some((s) => s.Action.some((a) => a === 's3:*' || a === 's3:GetObject*' || a === 's3:DeleteObject'))).toBe(false);
  });

  test('runs in the private network, one at a time, with an encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      ReservedConcurrentExecutions: 1,
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      Environment: { Variables: Match.objectLike({ OUTBOUND_PREFIX: 'outbound/', MAX_OBJECTS: '25', LOOKBACK_HOURS: '24' }) },
    });
  });

  test('alarms on its errors and dead letters, and sends every incident record to the alarm topic', () => {
    for (const name of ['Home-CanaryHealth-Errors', 'Home-CanaryHealth-DeadLetters', 'Home-EvaluatorHealth-Errors', 'Home-EvaluatorHealth-DeadLetters']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: name, AlarmActions: [{ Ref: stack.getLogicalId(stack.node.findChild('Alarms').node.defaultChild as never) }], Threshold: 1 });
    }
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'Home-LeakCanaryIncident',
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ prefix: 'canary/incidents/' }] } } },
    });
  });

  test('refuses a schedule whose look-back leaves objects unsampled', () => {
    expect(() => new LeakCanary(new Stack(new App(), 'S'), 'C', { outboundPrefix: 'outbound/', everyMinutes: 120, lookbackHours: 1 } as never)).toThrow(/lookbackHours: got 1/);
  });
});

test('docs/runtime-checks.md maps every Config rule, with its kind and aws-cn availability', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'runtime-checks.md'), 'utf8');
  for (const twin of RUNTIME_TWINS) {
    if (twin.kind === 'synth-only') {
      expect(doc).toContain(`| \`CrossBorder-${twin.rule}\` | none (synth only) |`);
      continue;
    }
    for (const rule of twin.configRules) {
      const kind = rule.source.owner === 'AWS' ? 'managed' : 'custom (Lambda)';
      expect(doc).toMatch(new RegExp(`\\| \`CrossBorder-${twin.rule}\` \\| \`${rule.name}\` \\| ${kind.replace(/[()]/g, '\\$&')} \\| [^|]*${rule.source.owner === 'AWS' ? rule.source.identifier : rule.name}[^|]* \\|[^|]*\\| ${rule.awsCn.available ? 'yes' : 'no'} \\|`));
    }
  }
});
