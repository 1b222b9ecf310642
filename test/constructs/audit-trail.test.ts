import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessLogsBucket } from '../../lib/constructs/access-logs-bucket';
import { AuditBucket } from '../../lib/constructs/audit-bucket';
import { AuditTrail, type AuditTrailProps } from '../../lib/constructs/audit-trail';
import { ClassifiedBucket } from '../../lib/constructs/classified-bucket';
import { ClassifiedTable } from '../../lib/constructs/classified-table';
import { KeyHierarchy } from '../../lib/constructs/key-hierarchy';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Principal?: unknown; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };
type PolicyResource = { Properties: { PolicyDocument: { Statement: Statement[] } } };
type KeyResource = { Properties: { KeyPolicy: { Statement: Statement[] } } };

function fixture(overrides: Partial<AuditTrailProps> = {}) {
  const stack = new Stack(new App(), 'AuditTest', { env: { region: 'cn-north-1' } });
  const keys = new KeyHierarchy(stack, 'Keys', { residency: 'cn-north-1' });
  const accessLogs = new AccessLogsBucket(stack, 'AccessLogs', { residency: 'cn-north-1' });
  const c2 = new ClassifiedBucket(stack, 'C2Store', { dataClass: 'C2', encryptionKey: keys.keyFor('C2'), residency: 'cn-north-1', accessLogsBucket: accessLogs.bucket });
  const table = new ClassifiedTable(stack, 'C2Records', { dataClass: 'C2', jurisdiction: 'CN', encryptionKey: keys.keyFor('C2'), residency: 'cn-north-1' });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountPrincipal('111122223333') });
  const audit = new AuditTrail(stack, 'AuditTrail', {
    auditKey: keys.auditKey,
    logsKey: keys.logsKey,
    logRetentionDays: 30,
    objectLockDays: 365,
    residency: 'cn-north-1',
    accessLogsBucket: accessLogs.bucket,
    dataEventBuckets: [c2.bucket],
    dataEventTables: [table.table],
    readers: [reader],
    ...overrides,
  });
  const template = Template.fromStack(stack);
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  return { stack, keys, audit, template, c2, table, reader, accessLogs, id };
}

const built = fixture();
const { template, stack, audit, keys, id } = built;
/** Resolved to plain JSON, as the template holds it. */
const resolved = (value: unknown): unknown => JSON.parse(JSON.stringify(stack.resolve(value)));
const trailArn = resolved(audit.trailArn);
const auditBucketId = id(audit.auditBucket.bucket);

function auditBucketPolicy(): Statement[] {
  const policies = template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: auditBucketId } } });
  return (Object.values(policies)[0] as PolicyResource).Properties.PolicyDocument.Statement;
}

function auditKeyPolicy(): Statement[] {
  return (template.toJSON().Resources[id(keys.auditKey)] as KeyResource).Properties.KeyPolicy.Statement;
}

describe('AuditTrail', () => {
  test('multi-region, global service events, log-file validation, encrypted with the audit key, logging', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'AuditTest-audit',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [id(keys.auditKey), 'Arn'] },
      S3BucketName: { Ref: auditBucketId },
    });
  });

  test('streams to a short-retention log group encrypted with the logs key', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [id(audit.logGroup), 'Arn'] },
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditTrailLogsDeliveryRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 30,
      KmsKeyId: { 'Fn::GetAtt': [id(keys.logsKey), 'Arn'] },
    });
  });

  test('management events and data events for the given buckets (every object) and tables', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: [
        {
          IncludeManagementEvents: true,
          ReadWriteType: 'All',
          DataResources: [
            { Type: 'AWS::S3::Object', Values: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(built.c2.bucket), 'Arn'] }, '/']] }] },
            { Type: 'AWS::DynamoDB::Table', Values: [{ 'Fn::GetAtt': [id(built.table.table), 'Arn'] }] },
          ],
        },
      ],
    });
  });

  test('without data-event stores, management events only', () => {
    const stackOnly = new Stack(new App(), 'NoData', { env: { region: 'ap-southeast-1' } });
    const k = new KeyHierarchy(stackOnly, 'Keys', { residency: 'ap-southeast-1' });
    const logs = new AccessLogsBucket(stackOnly, 'AccessLogs', { residency: 'ap-southeast-1' });
    new AuditTrail(stackOnly, 'Trail', {
      auditKey: k.auditKey, logsKey: k.logsKey, logRetentionDays: 14, objectLockDays: 365, residency: 'ap-southeast-1', accessLogsBucket: logs.bucket,
    });
    Template.fromStack(stackOnly).hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All', DataResources: Match.absent() }],
    });
  });

  test('the trail is created after the bucket policy and the delivery policy it depends on', () => {
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0] as { DependsOn: string[] };
    expect(trail.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AuditTrailRecordBucketPolicy/),
      expect.stringMatching(/^AuditTrailLogsDeliveryPolicy/),
    ]));
  });

  test('log delivery: a customer-managed policy writing only to the trail log group, a role only this trail can assume', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{ Sid: 'WriteTrailEvents', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [id(audit.logGroup), 'Arn'] } }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'cloudtrail.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceArn': trailArn } } }],
      },
    });
  });

  test('only CloudTrail, for this trail, writes to the record; everyone else is denied writes', () => {
    const statements = auditBucketPolicy();
    const write = statements.find((s) => s.Sid === 'CloudTrailWritesThisTrailOnly');
    expect(write).toMatchObject({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
    });
    expect(statements.find((s) => s.Sid === 'CloudTrailChecksAcl')?.Condition).toEqual({ StringEquals: { 'aws:SourceArn': trailArn } });
    expect(statements.find((s) => s.Sid === 'OnlyAwsServicesWriteRecords')).toMatchObject({
      Effect: 'Deny', Action: 's3:PutObject', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
    });
    const otherWriters = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => /^s3:(PutObject|DeleteObject)/.test(a)));
    expect(otherWriters.map((s) => s.Sid)).toEqual(['CloudTrailWritesThisTrailOnly']);
  });

  test('the audit key lets CloudTrail encrypt for this trail only, under its encryption context', () => {
    const statements = auditKeyPolicy();
    expect(statements.find((s) => s.Sid === 'CloudTrailEncryptsThisTrailOnly')).toMatchObject({
      Action: 'kms:GenerateDataKey*',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceArn': trailArn },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': resolved(`arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`) },
      },
    });
    expect(statements.find((s) => s.Sid === 'CloudTrailDescribesKey')?.Condition).toEqual({ StringEquals: { 'aws:SourceArn': trailArn } });
  });

  test('readers are named in the bucket policy and may decrypt through S3 only', () => {
    const reader = { AWS: { 'Fn::GetAtt': [id(built.reader), 'Arn'] } };
    const statements = auditBucketPolicy();
    expect(statements.find((s) => s.Sid === 'ReadersReadRecords')).toMatchObject({ Principal: reader, Action: expect.arrayContaining(['s3:GetObject', 's3:GetObjectVersion']) });
    expect(statements.find((s) => s.Sid === 'ReadersListRecords')).toMatchObject({ Principal: reader, Action: expect.arrayContaining(['s3:ListBucket']) });
    expect(auditKeyPolicy().find((s) => s.Sid === 'AuditReadersDecryptThroughS3Only')).toMatchObject({
      Principal: reader,
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.cn-north-1.', { Ref: 'AWS::URLSuffix' }]] } } },
    });
  });

  test('refuses too many data-event stores and a malformed trail name, naming both', () => {
    const s = new Stack(new App(), 'Bad', { env: { region: 'cn-north-1' } });
    const k = new KeyHierarchy(s, 'Keys', { residency: 'cn-north-1' });
    const logs = new AccessLogsBucket(s, 'AccessLogs', { residency: 'cn-north-1' });
    const buckets = Array.from({ length: 251 }, () => logs.bucket as s3.IBucket);
    expect(() => new AuditTrail(s, 'Trail', {
      auditKey: k.auditKey, logsKey: k.logsKey, logRetentionDays: 30, objectLockDays: 365, residency: 'cn-north-1', accessLogsBucket: logs.bucket,
      dataEventBuckets: buckets, dataEventTables: [] as dynamodb.ITable[], trailName: 'no spaces allowed',
    })).toThrow(/got 251 data-event resources; CloudTrail accepts at most 250.*trailName: got "no spaces allowed"/);
  });

  test('refuses an imported audit key, whose policy it could not extend', () => {
    const s = new Stack(new App(), 'Imported', { env: { region: 'cn-north-1' } });
    const logsKey = new kms.Key(s, 'LogsKey');
    const logs = new AccessLogsBucket(s, 'AccessLogs', { residency: 'cn-north-1' });
    const imported = kms.Key.fromKeyArn(s, 'Audit', 'arn:aws-cn:kms:cn-north-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    expect(() => new AuditTrail(s, 'Trail', {
      auditKey: imported, logsKey, logRetentionDays: 30, objectLockDays: 365, residency: 'cn-north-1', accessLogsBucket: logs.bucket,
    })).toThrow(/the key is imported, so its policy cannot let CloudTrail encrypt/);
  });
});

describe('AuditBucket', () => {
  test('Object Lock in COMPLIANCE mode with the configured default retention, versioned', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  test('SSE-KMS with the audit key and no bucket key (CloudTrail then encrypts under its own context), public access blocked', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: false, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [id(keys.auditKey), 'Arn'] } } },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  test('TLS 1.2+ only', () => {
    const denies = auditBucketPolicy().filter((s) => s.Effect === 'Deny').map((s) => s.Condition);
    expect(denies).toContainEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    expect(denies).toContainEqual({ NumericLessThan: { 's3:TlsVersion': 1.2 } });
  });

  test('access logs go to the access-log bucket (never to itself), tagged audit', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LoggingConfiguration: { DestinationBucketName: { Ref: id(built.accessLogs.bucket) }, LogFilePrefix: 'audit/' },
      Tags: Match.arrayWith([{ Key: 'data-class', Value: 'audit' }, { Key: 'residency', Value: 'cn-north-1' }]),
    });
  });

  test('records expire once their lock has run out, unless told to keep them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })] },
    });
    const s = new Stack(new App(), 'Keep');
    const logs = new AccessLogsBucket(s, 'AccessLogs', { residency: 'ap-southeast-1' });
    const k = new KeyHierarchy(s, 'Keys', { residency: 'ap-southeast-1' });
    new AuditTrail(s, 'Trail', {
      auditKey: k.auditKey, logsKey: k.logsKey, logRetentionDays: 14, objectLockDays: 730, residency: 'ap-southeast-1', accessLogsBucket: logs.bucket,
      expireAfterRetention: false,
    });
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: Match.absent(), NoncurrentVersionExpiration: Match.absent() })] },
    });
  });

  test.each([0, 90, 364, 3651, 400.5])('refuses an Object Lock retention of %d days (floor 365: PCI DSS 10.5.1)', (days) => {
    const s = new Stack();
    const logs = new AccessLogsBucket(s, 'AccessLogs', { residency: 'x' });
    expect(() => new AuditBucket(s, 'Record', { encryptionKey: new kms.Key(s, 'K'), residency: 'x', objectLockDays: days, accessLogsBucket: logs.bucket }))
      .toThrow(new RegExp(`objectLockDays: got ${days}; expected a whole number of days from 365 .*10\\.5\\.1.* to 3650`));
  });

  test.each([365, 730, 3650])('a %d-day record expires no sooner than its lock', (days) => {
    const s = new Stack();
    const logs = new AccessLogsBucket(s, 'AccessLogs', { residency: 'x' });
    new AuditBucket(s, 'Record', { encryptionKey: new kms.Key(s, 'K'), residency: 'x', objectLockDays: days, accessLogsBucket: logs.bucket });
    const buckets = Object.values(Template.fromStack(s).findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }));
    const [bucket] = buckets as Array<{ Properties: { ObjectLockConfiguration: { Rule: { DefaultRetention: { Days: number } } }; LifecycleConfiguration: { Rules: Array<{ ExpirationInDays?: number }> } } }>;
    const lock = bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention.Days;
    const expiries = bucket.Properties.LifecycleConfiguration.Rules.map((r) => r.ExpirationInDays).filter((d) => d !== undefined);
    expect(lock).toBe(days);
    expect(expiries.length).toBeGreaterThan(0);
    for (const expiry of expiries) expect(expiry).toBeGreaterThanOrEqual(lock);
  });
});
