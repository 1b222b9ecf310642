import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IncidentResponse, type IncidentResponseProps } from '../../lib/constructs/incident-response';

function build(overrides: Partial<IncidentResponseProps> = {}, region = 'cn-north-1') {
  const stack = new Stack(new App(), 'Home', { env: { account: '111122223333', region } });
  const auditKey = new kms.Key(stack, 'AuditKey');
  const incidents = new IncidentResponse(stack, 'Incidents', {
    auditKey,
    logsKey: new kms.Key(stack, 'LogsKey'),
    logRetentionDays: 30,
    residency: region,
    accessLogsBucket: new s3.Bucket(stack, 'AccessLogs'),
    alarmTopic: new sns.Topic(stack, 'Alarms', { masterKey: auditKey }),
    topicKey: auditKey,
    alarmNamePrefix: 'paydata-home',
    scope: { homeRegion: region, destinations: [{ region: 'ap-southeast-1', country: 'SG' }], cnOperator: 'other' },
    retentionDays: 365,
    ...overrides,
  });
  return { stack, incidents, template: Template.fromStack(stack), auditKey };
}

const built = build();
const { template, stack } = built;
const functionArn = { 'Fn::GetAtt': [stack.getLogicalId(built.incidents.handler.function.node.defaultChild as never), 'Arn'] };

describe('IncidentResponse', () => {
  test('GuardDuty findings (medium and above) reach the incident function through EventBridge', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 4] }] } },
      Targets: Match.arrayWith([Match.objectLike({ Arn: functionArn, DeadLetterConfig: Match.anyValue() })]),
    });
  });

  test('new, active high and critical Security Hub findings reach the incident function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: { findings: { Severity: { Label: ['HIGH', 'CRITICAL'] }, RecordState: ['ACTIVE'], Workflow: { Status: ['NEW'] } } },
      },
      Targets: Match.arrayWith([Match.objectLike({ Arn: functionArn })]),
    });
  });

  test('our security alarms entering ALARM reach it, and a schedule checks deadlines every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.cloudwatch'], detail: { alarmName: [{ prefix: 'paydata-home-' }], state: { value: ['ALARM'] } } },
      Targets: Match.arrayWith([Match.objectLike({ Arn: functionArn })]),
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', Targets: Match.arrayWith([Match.objectLike({ Arn: functionArn })]) });
  });

  test('the incident store is encrypted with the audit key, Object Lock COMPLIANCE, and written once only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [stack.getLogicalId(built.auditKey.node.defaultChild as never), 'Arn'] } } },
        ],
      },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'IncidentRecordsAreWrittenOnce', Effect: 'Deny', Action: 's3:PutObject', Condition: { Null: { 's3:if-none-match': 'true' } } }),
        ]),
      },
    });
  });

  test('the function is a DataPlaneFunction (own log group, DLQ, reserved concurrency) and knows the deployment\'s jurisdictions', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 2,
      DeadLetterConfig: Match.objectLike({ TargetArn: Match.anyValue() }),
      LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
      Environment: {
        Variables: Match.objectLike({
          INCIDENT_SCOPE: JSON.stringify({ homeRegion: 'cn-north-1', destinations: [{ region: 'ap-southeast-1', country: 'SG' }], cnOperator: 'other' }),
          ALARM_NAME_PREFIX: 'paydata-home',
        }),
      },
    });
  });

  test('it may publish to the alarm topic, using the audit key only through SNS', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish' }),
          Match.objectLike({
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sns.cn-north-1.', { Ref: 'AWS::URLSuffix' }]] } } },
          }),
        ]),
      },
    });
  });

  test('refuses a check interval that could miss a one-hour deadline, and a retention Object Lock cannot take', () => {
    expect(() => build({ checkInterval: Duration.minutes(30) })).toThrow(/checkInterval: got 30 minutes/);
    expect(() => build({ retentionDays: 0 })).toThrow(/retentionDays: got 0/);
  });
});
