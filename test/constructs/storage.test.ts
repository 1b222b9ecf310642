import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AccessLogsBucket } from '../../lib/constructs/access-logs-bucket';
import { ClassBackup } from '../../lib/constructs/class-backup';
import { ClassifiedBucket } from '../../lib/constructs/classified-bucket';
import { ClassifiedTable } from '../../lib/constructs/classified-table';

function fixture() {
  const stack = new Stack(new App(), 'StorageTest', { env: { region: 'cn-north-1' } });
  const key = new kms.Key(stack, 'ClassKey', { enableKeyRotation: true });
  const logs = new AccessLogsBucket(stack, 'AccessLogs', { residency: 'cn-north-1', expireAfterDays: 30 });
  const bucket = new ClassifiedBucket(stack, 'C2Store', {
    dataClass: 'C2',
    encryptionKey: key,
    residency: 'cn-north-1',
    accessLogsBucket: logs.bucket,
  });
  const table = new ClassifiedTable(stack, 'C2Records', { dataClass: 'C2', jurisdiction: 'CN', encryptionKey: key, residency: 'cn-north-1' });
  new ClassBackup(stack, 'C2Backup', { dataClass: 'C2', encryptionKey: key, residency: 'cn-north-1', tables: [table.table] });
  return { stack, key, bucket, table, logs };
}

const { stack, key, bucket, table } = fixture();
const template = Template.fromStack(stack);
const keyRef = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
const classifiedBucket = { Tags: Match.arrayWith([{ Key: 'data-class', Value: 'C2' }]) };

describe('ClassifiedBucket', () => {
  test('SSE-KMS with the class key and bucket keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ...classifiedBucket,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyRef } },
        ],
      },
    });
  });

  test('all public access blocked', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ...classifiedBucket,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  test('TLS only, with a minimum TLS version of 1.2', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: stack.getLogicalId(bucket.bucket.node.defaultChild as never) } },
    }))[0] as { Properties: { PolicyDocument: { Statement: Array<{ Effect: string; Condition: unknown }> } } };
    const denies = policy.Properties.PolicyDocument.Statement.filter((s) => s.Effect === 'Deny').map((s) => s.Condition);
    expect(denies).toContainEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    expect(denies).toContainEqual({ NumericLessThan: { 's3:TlsVersion': 1.2 } });
  });

  test('versioned, access-logged, noncurrent versions expire, events go to EventBridge', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ...classifiedBucket,
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'C2/' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
  });

  test('tagged data-class and residency', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([{ Key: 'data-class', Value: 'C2' }, { Key: 'residency', Value: 'cn-north-1' }]),
    });
  });

  test('grantRead also grants decrypt on the class key', () => {
    const s = new Stack(new App(), 'GrantTest');
    const k = new kms.Key(s, 'K', { enableKeyRotation: true });
    const logs = new AccessLogsBucket(s, 'L', { residency: 'ap-southeast-1' });
    const b = new ClassifiedBucket(s, 'B', { dataClass: 'C1', encryptionKey: k, residency: 'ap-southeast-1', accessLogsBucket: logs.bucket });
    const role = new iam.Role(s, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    b.grantRead(role);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:GetObject', 's3:GetObjectVersion'] }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^K'), 'Arn'] },
            // Key use only through S3: the grant does not let the reader decrypt anything else.
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('AccessLogsBucket', () => {
  test('SSE-S3 (required for log delivery), public access blocked, expires after the log retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([{ Key: 'data-class', Value: 'access-logs' }]),
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
    });
  });

  test('refuses an expiry outside 1..365 days', () => {
    expect(() => new AccessLogsBucket(new Stack(), 'L', { residency: 'x', expireAfterDays: 0 })).toThrow(/got 0; expected a whole number of days from 1 to 365/);
  });
});

describe('ClassifiedTable', () => {
  test('customer-managed key, point-in-time recovery, deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyRef },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      Tags: Match.arrayWith([{ Key: 'data-class', Value: 'C2' }, { Key: 'residency', Value: 'cn-north-1' }]),
    });
    expect(table.jurisdiction).toBe('CN');
  });

  test('refuses a key attribute for card security codes or PINs, and a malformed jurisdiction', () => {
    const s = new Stack();
    const k = new kms.Key(s, 'K');
    expect(
      () => new ClassifiedTable(s, 'Bad', { dataClass: 'C2', jurisdiction: 'China', encryptionKey: k, residency: 'x', sortKey: { name: 'cvv2', type: 'S' as never } }),
    ).toThrow(/"cvv2" looks like sensitive authentication data.*jurisdiction: got "China"/);
  });
});

describe('ClassBackup', () => {
  test('a daily plan into an in-region vault encrypted with the class key', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: keyRef });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
  });
});
