import { App, CfnResource, Stack } from 'aws-cdk-lib';
import type { NagRuleCompliance } from 'cdk-nag';
import { CROSS_BORDER_RULES } from '../../../lib/nag/cross-border-rules';
import { residencyPolicy } from '../../../lib/nag/residency-policy';
import type { Verdict } from '../../../lib/nag/judgements/verdict';
import type { ConfigurationItem } from '../../../lambda/config-rules/configuration-item';
import { evaluateItem } from '../../../lambda/config-rules/evaluate-item';
import { ACCOUNT, bucketEncryption, bucketReplication, DESTINATION, encodedTrust, HOME, item, POLICY } from './support';

/**
 * The template rule and its runtime twin give the same verdict on the same resource: each row is
 * one resource written twice, as CloudFormation properties (judged by the cdk-nag rule on a fixture
 * stack) and as the configuration item AWS Config records for it (judged by the Config Lambda).
 */

const KEY_ARN = `arn:aws-cn:kms:${HOME}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DESTINATION_BUCKET = 'paydata-landing-ap-southeast-1';
const UNDECLARED_BUCKET = 'someone-elses-bucket';
const LOG_TARGET = 'paydata-access-logs';

interface Row {
  readonly name: string;
  readonly rule: string;
  readonly type: string;
  /** CloudFormation properties of the resource (Tags included). */
  readonly properties: Record<string, unknown>;
  readonly region?: string;
  /** The same resource as Config records it. */
  readonly ci: ConfigurationItem;
  readonly expected: Verdict;
}

const tags = (dataClass: string) => [{ Key: 'data-class', Value: dataClass }];
const kmsBucket = { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }] } };
const replicationTo = (bucket: string) => ({
  ReplicationConfiguration: { Role: `arn:aws-cn:iam::${ACCOUNT}:role/replication`, Rules: [{ Status: 'Enabled', Destination: { Bucket: `arn:aws-cn:s3:::${bucket}` } }] },
});
const trust = (principal: unknown, condition?: unknown) => ({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal, ...(condition ? { Condition: condition } : {}) });
const table = (attribute: string, sse?: { key: string }) => ({
  cfn: {
    KeySchema: [{ AttributeName: 'accountId', KeyType: 'HASH' }, { AttributeName: attribute, KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'accountId', AttributeType: 'S' }, { AttributeName: attribute, AttributeType: 'S' }],
    ...(sse ? { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: sse.key } } : {}),
  },
  // DescribeTable as Config writes it: note its casing of the SSE fields.
  ci: {
    tableName: 'records',
    keySchema: [{ attributeName: 'accountId', keyType: 'HASH' }, { attributeName: attribute, keyType: 'RANGE' }],
    attributeDefinitions: [{ attributeName: 'accountId', attributeType: 'S' }, { attributeName: attribute, attributeType: 'S' }],
    ...(sse ? { ssedescription: { status: 'ENABLED', ssetype: 'KMS', kmsmasterKeyArn: sse.key } } : {}),
  },
});

const ROWS: Row[] = [
  { name: 'log group kept 30 days', rule: 'LogRetentionCeiling', type: 'AWS::Logs::LogGroup', properties: { RetentionInDays: 30 }, ci: item('AWS::Logs::LogGroup', { configuration: { logGroupName: 'g', retentionInDays: 30 } }), expected: 'COMPLIANT' },
  { name: 'log group kept a year', rule: 'LogRetentionCeiling', type: 'AWS::Logs::LogGroup', properties: { RetentionInDays: 365 }, ci: item('AWS::Logs::LogGroup', { configuration: { logGroupName: 'g', retentionInDays: 365 } }), expected: 'NON_COMPLIANT' },
  { name: 'log group that never expires', rule: 'LogRetentionCeiling', type: 'AWS::Logs::LogGroup', properties: {}, ci: item('AWS::Logs::LogGroup', { configuration: { logGroupName: 'g' } }), expected: 'NON_COMPLIANT' },

  { name: 'bucket under a customer key', rule: 'DataStoreCustomerManagedKey', type: 'AWS::S3::Bucket', properties: kmsBucket, ci: item('AWS::S3::Bucket', { supplementaryConfiguration: bucketEncryption('aws:kms', KEY_ARN) }), expected: 'COMPLIANT' },
  {
    name: 'bucket under the AWS managed aws/s3 key',
    rule: 'DataStoreCustomerManagedKey',
    type: 'AWS::S3::Bucket',
    properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } },
    ci: item('AWS::S3::Bucket', { supplementaryConfiguration: bucketEncryption('aws:kms') }),
    expected: 'NON_COMPLIANT',
  },
  {
    name: 'bucket under SSE-S3 that receives no access logs',
    rule: 'DataStoreCustomerManagedKey',
    type: 'AWS::S3::Bucket',
    properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } },
    ci: item('AWS::S3::Bucket', { supplementaryConfiguration: bucketEncryption('AES256') }),
    expected: 'NON_COMPLIANT',
  },
  {
    name: 'the declared access-log target under SSE-S3',
    rule: 'DataStoreCustomerManagedKey',
    type: 'AWS::S3::Bucket',
    properties: { BucketName: LOG_TARGET, BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } },
    ci: item('AWS::S3::Bucket', { resourceId: LOG_TARGET, supplementaryConfiguration: bucketEncryption('AES256') }),
    expected: 'COMPLIANT',
  },
  { name: 'queue under a customer key', rule: 'DataStoreCustomerManagedKey', type: 'AWS::SQS::Queue', properties: { KmsMasterKeyId: KEY_ARN }, ci: item('AWS::SQS::Queue', { configuration: { KmsMasterKeyId: KEY_ARN, SqsManagedSseEnabled: 'false' } }), expected: 'COMPLIANT' },
  { name: 'queue under the AWS managed key', rule: 'DataStoreCustomerManagedKey', type: 'AWS::SQS::Queue', properties: { KmsMasterKeyId: 'alias/aws/sqs' }, ci: item('AWS::SQS::Queue', { configuration: { KmsMasterKeyId: 'alias/aws/sqs' } }), expected: 'NON_COMPLIANT' },
  { name: 'queue with SQS-managed encryption', rule: 'DataStoreCustomerManagedKey', type: 'AWS::SQS::Queue', properties: { SqsManagedSseEnabled: true }, ci: item('AWS::SQS::Queue', { configuration: { SqsManagedSseEnabled: 'true' } }), expected: 'NON_COMPLIANT' },
  { name: 'topic without a key', rule: 'DataStoreCustomerManagedKey', type: 'AWS::SNS::Topic', properties: {}, ci: item('AWS::SNS::Topic', { configuration: { TopicArn: 't' } }), expected: 'NON_COMPLIANT' },
  { name: 'table under a customer key', rule: 'DataStoreCustomerManagedKey', type: 'AWS::DynamoDB::Table', properties: table('panLast4', { key: KEY_ARN }).cfn, ci: item('AWS::DynamoDB::Table', { configuration: table('panLast4', { key: KEY_ARN }).ci }), expected: 'COMPLIANT' },
  { name: 'table under the AWS owned key', rule: 'DataStoreCustomerManagedKey', type: 'AWS::DynamoDB::Table', properties: table('panLast4').cfn, ci: item('AWS::DynamoDB::Table', { configuration: table('panLast4').ci }), expected: 'NON_COMPLIANT' },
  { name: 'log group under a customer key', rule: 'DataStoreCustomerManagedKey', type: 'AWS::Logs::LogGroup', properties: { KmsKeyId: KEY_ARN, RetentionInDays: 30 }, ci: item('AWS::Logs::LogGroup', { configuration: { kmsKeyId: KEY_ARN, retentionInDays: 30 } }), expected: 'COMPLIANT' },

  { name: 'queue classed C2', rule: 'DataClassTagged', type: 'AWS::SQS::Queue', properties: { Tags: tags('C2') }, ci: item('AWS::SQS::Queue', { tags: { 'data-class': 'C2' } }), expected: 'COMPLIANT' },
  { name: 'queue without a class', rule: 'DataClassTagged', type: 'AWS::SQS::Queue', properties: {}, ci: item('AWS::SQS::Queue'), expected: 'NON_COMPLIANT' },
  { name: 'key with an unknown class', rule: 'DataClassTagged', type: 'AWS::KMS::Key', properties: { KeyPolicy: {}, Tags: tags('secret') }, ci: item('AWS::KMS::Key', { tags: { 'data-class': 'secret' }, configuration: { keyManager: 'CUSTOMER' } }), expected: 'NON_COMPLIANT' },
  { name: 'topic classed audit', rule: 'DataClassTagged', type: 'AWS::SNS::Topic', properties: { Tags: tags('audit') }, ci: item('AWS::SNS::Topic', { tags: { 'data-class': 'audit' } }), expected: 'COMPLIANT' },

  { name: 'C2 bucket at home, not replicated', rule: 'RestrictedDataStaysHome', type: 'AWS::S3::Bucket', properties: { ...kmsBucket, Tags: tags('C2') }, ci: item('AWS::S3::Bucket', { tags: { 'data-class': 'C2' } }), expected: 'COMPLIANT' },
  {
    name: 'C2 bucket replicated to the destination region',
    rule: 'RestrictedDataStaysHome',
    type: 'AWS::S3::Bucket',
    properties: { ...replicationTo(DESTINATION_BUCKET), Tags: tags('C2') },
    ci: item('AWS::S3::Bucket', { tags: { 'data-class': 'C2' }, supplementaryConfiguration: bucketReplication(DESTINATION_BUCKET) }),
    expected: 'NON_COMPLIANT',
  },
  { name: 'C3 multi-Region key', rule: 'RestrictedDataStaysHome', type: 'AWS::KMS::Key', properties: { KeyPolicy: {}, MultiRegion: true, Tags: tags('C3') }, ci: item('AWS::KMS::Key', { tags: { 'data-class': 'C3' }, configuration: { keyManager: 'CUSTOMER', multiRegion: true, multiRegionConfiguration: { multiRegionKeyType: 'PRIMARY', primaryKey: { region: HOME }, replicaKeys: [] } } }), expected: 'NON_COMPLIANT' },
  {
    name: 'desensitized (C1) bucket replicated abroad',
    rule: 'RestrictedDataStaysHome',
    type: 'AWS::S3::Bucket',
    properties: { ...replicationTo(DESTINATION_BUCKET), Tags: tags('C1') },
    ci: item('AWS::S3::Bucket', { tags: { 'data-class': 'C1' }, supplementaryConfiguration: bucketReplication(DESTINATION_BUCKET) }),
    expected: 'NOT_APPLICABLE',
  },
  { name: 'C2 queue in another region', rule: 'RestrictedDataStaysHome', type: 'AWS::SQS::Queue', region: DESTINATION, properties: { Tags: tags('C2') }, ci: item('AWS::SQS::Queue', { awsRegion: DESTINATION, tags: { 'data-class': 'C2' } }), expected: 'NON_COMPLIANT' },

  { name: 'replication to the declared landing bucket', rule: 'ReplicaRegionAllowed', type: 'AWS::S3::Bucket', properties: replicationTo(DESTINATION_BUCKET), ci: item('AWS::S3::Bucket', { supplementaryConfiguration: bucketReplication(DESTINATION_BUCKET) }), expected: 'COMPLIANT' },
  { name: 'replication to a bucket the app does not declare', rule: 'ReplicaRegionAllowed', type: 'AWS::S3::Bucket', properties: replicationTo(UNDECLARED_BUCKET), ci: item('AWS::S3::Bucket', { supplementaryConfiguration: bucketReplication(UNDECLARED_BUCKET) }), expected: 'NON_COMPLIANT' },
  { name: 'bucket without replication', rule: 'ReplicaRegionAllowed', type: 'AWS::S3::Bucket', properties: kmsBucket, ci: item('AWS::S3::Bucket', { supplementaryConfiguration: bucketEncryption('aws:kms', KEY_ARN) }), expected: 'NOT_APPLICABLE' },

  { name: 'store in the home region', rule: 'StackRegionAllowed', type: 'AWS::SQS::Queue', properties: {}, ci: item('AWS::SQS::Queue'), expected: 'COMPLIANT' },
  { name: 'store in a region outside the policy', rule: 'StackRegionAllowed', type: 'AWS::SQS::Queue', region: 'eu-central-1', properties: {}, ci: item('AWS::SQS::Queue', { awsRegion: 'eu-central-1' }), expected: 'NON_COMPLIANT' },

  {
    name: 'role the account can assume without MFA',
    rule: 'HumanRoleRequiresMfa',
    type: 'AWS::IAM::Role',
    properties: { AssumeRolePolicyDocument: { Statement: [trust({ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` })] } },
    ci: item('AWS::IAM::Role', { awsRegion: 'global', configuration: { roleName: 'operator', assumeRolePolicyDocument: encodedTrust(trust({ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` })) } }),
    expected: 'NON_COMPLIANT',
  },
  {
    name: 'role the account can assume with MFA',
    rule: 'HumanRoleRequiresMfa',
    type: 'AWS::IAM::Role',
    properties: { AssumeRolePolicyDocument: { Statement: [trust({ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })] } },
    ci: item('AWS::IAM::Role', { configuration: { assumeRolePolicyDocument: encodedTrust(trust({ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })) } }),
    expected: 'COMPLIANT',
  },
  {
    name: 'role only a service assumes',
    rule: 'HumanRoleRequiresMfa',
    type: 'AWS::IAM::Role',
    properties: { AssumeRolePolicyDocument: { Statement: [trust({ Service: 'lambda.amazonaws.com' })] } },
    ci: item('AWS::IAM::Role', { configuration: { assumeRolePolicyDocument: encodedTrust(trust({ Service: 'lambda.amazonaws.com' })) } }),
    expected: 'NOT_APPLICABLE',
  },
  {
    name: 'role another role chains into',
    rule: 'HumanRoleRequiresMfa',
    type: 'AWS::IAM::Role',
    properties: { AssumeRolePolicyDocument: { Statement: [trust({ AWS: `arn:aws-cn:iam::${ACCOUNT}:role/operator` })] } },
    ci: item('AWS::IAM::Role', { configuration: { assumeRolePolicyDocument: encodedTrust(trust({ AWS: `arn:aws-cn:iam::${ACCOUNT}:role/operator` })) } }),
    expected: 'NOT_APPLICABLE',
  },

  { name: 'table with a card security code column', rule: 'NoSensitiveAuthDataField', type: 'AWS::DynamoDB::Table', properties: table('cvv', { key: KEY_ARN }).cfn, ci: item('AWS::DynamoDB::Table', { configuration: table('cvv', { key: KEY_ARN }).ci }), expected: 'NON_COMPLIANT' },
  { name: 'table keyed by the last four digits', rule: 'NoSensitiveAuthDataField', type: 'AWS::DynamoDB::Table', properties: table('panLast4', { key: KEY_ARN }).cfn, ci: item('AWS::DynamoDB::Table', { configuration: table('panLast4', { key: KEY_ARN }).ci }), expected: 'COMPLIANT' },
];

const VERDICT_OF: Record<NagRuleCompliance, Verdict> = { Compliant: 'COMPLIANT', 'Non-Compliant': 'NON_COMPLIANT', 'N/A': 'NOT_APPLICABLE' } as Record<NagRuleCompliance, Verdict>;

/** The cdk-nag rule's verdict on the resource, declared in an app that also holds the landing bucket and the access-log source. */
function templateVerdict(row: Row): Verdict {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Home', { env: { account: ACCOUNT, region: row.region ?? HOME } });
  const destination = new Stack(app, 'Destination', { env: { account: ACCOUNT, region: DESTINATION } });
  new CfnResource(destination, 'Landing', { type: 'AWS::S3::Bucket', properties: { BucketName: DESTINATION_BUCKET } });
  new CfnResource(stack, 'LoggedBucket', { type: 'AWS::S3::Bucket', properties: { LoggingConfiguration: { DestinationBucketName: LOG_TARGET } } });
  const node = new CfnResource(stack, 'Subject', { type: row.type, properties: row.properties });
  const definition = CROSS_BORDER_RULES.find((d) => d.create.name === row.rule);
  if (!definition) throw new Error(`no CrossBorder rule ${row.rule}`);
  const result = definition.create(residencyPolicy(POLICY))(node);
  return VERDICT_OF[result as NagRuleCompliance];
}

function runtimeVerdict(row: Row): Verdict {
  const declared = { bucketRegions: { [DESTINATION_BUCKET]: DESTINATION, [LOG_TARGET]: HOME }, accessLogTargets: [LOG_TARGET] };
  return evaluateItem(row.rule, row.ci, { policy: POLICY, declared }, new Date()).complianceType;
}

describe('template rule and AWS Config twin agree', () => {
  test.each(ROWS.map((row) => [row.rule, row.name, row] as const))('%s: %s', (_rule, _name, row) => {
    expect({ template: templateVerdict(row), runtime: runtimeVerdict(row) }).toEqual({ template: row.expected, runtime: row.expected });
  });

  test('every custom twin is covered by compliant and non-compliant rows', () => {
    const covered = (verdict: Verdict) => new Set(ROWS.filter((r) => r.expected === verdict).map((r) => r.rule));
    const twins = ['StackRegionAllowed', 'ReplicaRegionAllowed', 'RestrictedDataStaysHome', 'LogRetentionCeiling', 'HumanRoleRequiresMfa', 'DataStoreCustomerManagedKey', 'DataClassTagged', 'NoSensitiveAuthDataField'];
    for (const twin of twins) expect({ twin, compliant: covered('COMPLIANT').has(twin), nonCompliant: covered('NON_COMPLIANT').has(twin) }).toEqual({ twin, compliant: true, nonCompliant: true });
  });
});
