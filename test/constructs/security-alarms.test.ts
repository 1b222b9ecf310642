import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  GLOBAL_EVENT_SOURCES,
  MAX_FILTER_PATTERN_LENGTH,
  securityAlarmDefinitions,
} from '../../lib/constructs/security-alarm-definitions';
import { SecurityAlarms, type SecurityAlarmsProps } from '../../lib/constructs/security-alarms';

const BREAK_GLASS = 'arn:aws:iam::111122223333:role/paydata-break-glass';
const CIS_CONTROLS = Array.from({ length: 15 }, (_, i) => `CIS 4.${i + 1}`);

describe('securityAlarmDefinitions', () => {
  const aws = securityAlarmDefinitions({ partition: 'aws', allowedRegions: ['ap-southeast-1', 'eu-west-1'], breakGlassRoleArn: BREAK_GLASS });
  const china = securityAlarmDefinitions({ partition: 'aws-cn', allowedRegions: ['cn-north-1'], breakGlassRoleArn: BREAK_GLASS });

  test('covers CIS 4.1-4.15, the residency alarm and break-glass use where a root user exists', () => {
    expect(aws.map((d) => d.control)).toEqual([...CIS_CONTROLS, 'Residency', 'Break-glass']);
  });

  test('has no root-usage alarm in aws-cn (no root user there) and still at least 14 alarms', () => {
    expect(china.map((d) => d.control)).toEqual([...CIS_CONTROLS.filter((c) => c !== 'CIS 4.3'), 'Residency', 'Break-glass']);
    expect(china.length).toBeGreaterThanOrEqual(14);
  });

  test('ids are unique (they name constructs and metrics)', () => {
    expect(new Set(aws.map((d) => d.id)).size).toBe(aws.length);
  });

  test.each(securityAlarmDefinitions({ partition: 'aws', allowedRegions: ['ap-southeast-1', 'eu-west-1', 'us-east-1'], breakGlassRoleArn: BREAK_GLASS }).map((d) => [d.id, d.filterPattern]))(
    '%s: a well-formed JSON filter pattern CloudWatch accepts',
    (_id, pattern) => {
      expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
      expect(pattern).toMatch(/^\{ .* \}$/);
      let depth = 0;
      for (const char of pattern.replace(/"[^"]*"/g, '""')) {
        if (char === '(') depth += 1;
        if (char === ')') depth -= 1;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
      expect((pattern.match(/"/g) ?? []).length % 2).toBe(0);
    },
  );

  test('the residency alarm fires on any region outside the allowed set, except regionless services and AWS service events', () => {
    const pattern = aws.find((d) => d.id === 'ApiCallsOutsideAllowedRegions')!.filterPattern;
    expect(pattern).toContain('($.awsRegion != "ap-southeast-1") && ($.awsRegion != "eu-west-1")');
    for (const source of GLOBAL_EVENT_SOURCES) expect(pattern).toContain(`($.eventSource != "${source}")`);
    expect(pattern).toContain('($.eventType != "AwsServiceEvent")');
    expect(pattern).not.toContain('||');
  });

  test('the break-glass alarm fires on use of the role and on assuming it', () => {
    const pattern = aws.find((d) => d.id === 'BreakGlassRoleUsed')!.filterPattern;
    expect(pattern).toContain(`$.userIdentity.sessionContext.sessionIssuer.arn = "${BREAK_GLASS}"`);
    expect(pattern).toContain(`($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "${BREAK_GLASS}")`);
  });

  test('CIS 4.7 watches key disabling and scheduled deletion in KMS', () => {
    expect(aws.find((d) => d.control === 'CIS 4.7')!.filterPattern).toBe(
      '{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }',
    );
  });

  test('refuses an empty allowed-region list', () => {
    expect(() => securityAlarmDefinitions({ partition: 'aws', allowedRegions: [], breakGlassRoleArn: BREAK_GLASS })).toThrow(/allowedRegions: got none/);
  });
});

function fixture(overrides: Partial<SecurityAlarmsProps> = {}) {
  const stack = new Stack(new App(), 'AlarmTest', { env: { region: 'ap-southeast-1' } });
  const key = new kms.Key(stack, 'AuditKey', { enableKeyRotation: true });
  const logGroup = new logs.LogGroup(stack, 'TrailEvents');
  const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountPrincipal('111122223333') });
  const alarms = new SecurityAlarms(stack, 'SecurityAlarms', {
    trailLogGroup: logGroup,
    encryptionKey: key,
    residency: 'ap-southeast-1',
    partition: 'aws',
    allowedRegions: ['ap-southeast-1', 'eu-west-1'],
    breakGlassRole: breakGlass,
    alarmNamePrefix: 'paydata',
    emailSubscribers: ['security@example.com'],
    httpsSubscribers: ['https://incidents.example.com/hook'],
    ...overrides,
  });
  return { stack, key, logGroup, alarms, breakGlass, template: Template.fromStack(stack) };
}

describe('SecurityAlarms', () => {
  const { stack, key, logGroup, alarms, breakGlass, template } = fixture();
  const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
  const topicRef = { Ref: stack.getLogicalId(alarms.topic.node.defaultChild as never) };

  test('a metric filter on the trail log group for every definition', () => {
    template.resourceCountIs('AWS::Logs::MetricFilter', alarms.definitions.length);
    for (const definition of alarms.definitions.filter((d) => d.id !== 'BreakGlassRoleUsed')) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: stack.getLogicalId(logGroup.node.defaultChild as never) },
        FilterPattern: definition.filterPattern,
        MetricTransformations: [{ MetricNamespace: 'PaymentDataResidency/Security', MetricName: definition.id, MetricValue: '1' }],
      });
    }
  });

  test('an alarm per filter that fires on the first event and notifies the topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', alarms.definitions.length);
    for (const definition of alarms.definitions) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `paydata-${definition.id}`,
        MetricName: definition.id,
        Statistic: 'Sum',
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicRef],
      });
    }
  });

  test('the break-glass filter names the role by its ARN', () => {
    const filters = template.findResources('AWS::Logs::MetricFilter', { Properties: { MetricTransformations: [{ MetricName: 'BreakGlassRoleUsed' }] } });
    expect(Object.keys(filters)).toHaveLength(1);
    expect(JSON.stringify(filters)).toContain(JSON.stringify({ 'Fn::GetAtt': [stack.getLogicalId(breakGlass.node.defaultChild as iam.CfnRole), 'Arn'] }));
  });

  test('the topic is encrypted with the given key and tagged as audit data', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      Tags: Match.arrayWith([{ Key: 'data-class', Value: 'audit' }, { Key: 'residency', Value: 'ap-southeast-1' }]),
    });
  });

  test('the topic accepts TLS publishers only, and CloudWatch only for our alarms', () => {
    const sourceArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:ap-southeast-1:', { Ref: 'AWS::AccountId' }, ':alarm:paydata-*']] };
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': sourceArn } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchAlarmsUseKeyForAlarmTopic',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': sourceArn } },
          }),
        ]),
      },
    });
  });

  test('subscribers from the configuration, email and https', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security@example.com', TopicArn: topicRef });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://incidents.example.com/hook', TopicArn: topicRef });
  });

  test('no subscribers means no subscriptions, and aws-cn builds no root-usage alarm', () => {
    const { template: quiet } = fixture({ emailSubscribers: undefined, httpsSubscribers: undefined, partition: 'aws-cn', allowedRegions: ['cn-north-1'] });
    quiet.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(Object.keys(quiet.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RootUsage' } }))).toHaveLength(0);
    expect(Object.keys(quiet.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(14);
  });

  test('refuses an imported key: CloudWatch could not be allowed to use it and alarms would never arrive', () => {
    const s = new Stack(new App(), 'Imported', { env: { region: 'ap-southeast-1' } });
    expect(() => new SecurityAlarms(s, 'Alarms', {
      trailLogGroup: new logs.LogGroup(s, 'Events'),
      encryptionKey: kms.Key.fromKeyArn(s, 'Key', 'arn:aws:kms:ap-southeast-1:111122223333:key/11111111-2222-3333-4444-555555555555'),
      residency: 'ap-southeast-1',
      partition: 'aws',
      allowedRegions: ['ap-southeast-1'],
      breakGlassRole: iam.Role.fromRoleArn(s, 'BreakGlass', BREAK_GLASS),
    })).toThrow(/the key is imported/);
  });

  test('refuses an alarm-name prefix CloudWatch would not accept', () => {
    expect(() => fixture({ alarmNamePrefix: 'has spaces' })).toThrow(/alarmNamePrefix: got "has spaces"/);
  });
});
