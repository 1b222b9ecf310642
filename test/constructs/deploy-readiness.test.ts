import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { join } from 'node:path';
import { landingBucketName, landingBucketNameFromHome, outboundBucketName } from '../../lib/constructs/bucket-names';
import { DataPlaneFunction, functionPlatform } from '../../lib/constructs/data-plane-function';
import { PartitionCredentials } from '../../lib/constructs/partition-credentials';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { loadConfig } from '../../lib/config';
import { shippedProfiles } from '../support/app-fixture';

const ENTRY = join(__dirname, '..', '..', 'lambda', 'credential-rotation', 'handler.ts');

function config(profile: string, accounts: Record<string, unknown> = {}) {
  return loadConfig({ ...(shippedProfiles()[profile] as Record<string, unknown>), accounts }, `test ${profile}`);
}

describe('landing bucket names', () => {
  test('the destination stack always names it with an account (its own when none is configured)', () => {
    const app = new App();
    const stack = new Stack(app, 'Dest', { env: { region: 'ap-southeast-1' } });
    expect(stack.resolve(landingBucketName(config('default'), 'ap-southeast-1'))).toEqual({ 'Fn::Join': ['', ['paydata-landing-', { Ref: 'AWS::AccountId' }, '-ap-southeast-1']] });
    expect(landingBucketName(config('default', { destinations: { 'ap-southeast-1': '444455556666' } }), 'ap-southeast-1')).toBe('paydata-landing-444455556666-ap-southeast-1');
  });

  test('across partitions the home stack names it only with the configured destination account, never without', () => {
    expect(landingBucketNameFromHome(config('default'), 'ap-southeast-1')).toBeUndefined();
    expect(landingBucketNameFromHome(config('default', { home: '111122223333' }), 'ap-southeast-1')).toBeUndefined();
    expect(landingBucketNameFromHome(config('default', { destinations: { 'ap-southeast-1': '444455556666' } }), 'ap-southeast-1')).toBe('paydata-landing-444455556666-ap-southeast-1');
  });

  test('in one partition home and destination stacks derive the same account-bound name', () => {
    const c = config('sg-home', { home: '111122223333' });
    expect(landingBucketNameFromHome(c, 'eu-west-1')).toBe(landingBucketName(c, 'eu-west-1'));
    expect(landingBucketName(c, 'eu-west-1')).toBe('paydata-landing-111122223333-eu-west-1');
  });

  test('a name S3 would refuse fails synth with the name and the rule', () => {
    const c = config('sg-home', { home: '111122223333' });
    expect(() => landingBucketName({ ...c, projectName: 'a-project-name-of-24char' }, 'ap-southeast-1')).not.toThrow();
    expect(() => outboundBucketName({ ...c, projectName: 'Bad_Name' })).toThrow(/S3 bucket name "Bad_Name-outbound-000000000000-ap-southeast-1" is invalid: only lowercase/);
  });
});

describe('functions fall back where a feature is not offered', () => {
  test('tracing, arm64 and Node.js 24 follow lib/availability.ts', () => {
    expect(functionPlatform('cn-north-1')).toMatchObject({ xrayOffered: false, bundlingTarget: 'node24' });
    expect(functionPlatform('cn-north-1').architecture.name).toBe('arm64');
    expect(functionPlatform('ap-southeast-1').xrayOffered).toBe(true);
    // A region the table does not cover: the safe fallbacks (x86_64, Node.js 22, no tracing).
    expect(functionPlatform('sa-east-1')).toMatchObject({ xrayOffered: false, bundlingTarget: 'node22' });
    expect(functionPlatform('sa-east-1').architecture.name).toBe('x86_64');
  });

  function functionIn(region: string, placement: 'none' | 'vpc' | 'vpc+xray') {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region, account: '111122223333' } });
    const key = new kms.Key(stack, 'Key');
    const network = placement === 'none' ? undefined : new PrivateNetwork(stack, 'Net', { flowLogsBucket: new s3.Bucket(stack, 'Logs'), logsKey: key, logRetentionDays: 7, residency: region });
    new DataPlaneFunction(stack, 'Fn', {
      entry: ENTRY,
      description: 'test',
      environmentKey: key,
      logsKey: key,
      logRetentionDays: 7,
      residency: region,
      vpc: network?.vpc,
      xrayEndpoint: placement === 'vpc+xray' ? network?.xrayEndpoint : undefined,
    });
    return Template.fromStack(stack);
  }
  const tracingOf = (t: Template) =>
    Object.values(t.findResources('AWS::Lambda::Function')).find((f) => (f.Properties as { Description?: string }).Description === 'test')?.Properties.TracingConfig;

  test('traced outside a VPC, and in a VPC only with the X-Ray endpoint, which then admits the function', () => {
    expect(tracingOf(functionIn('ap-southeast-1', 'none'))).toEqual({ Mode: 'Active' });
    expect(tracingOf(functionIn('ap-southeast-1', 'vpc'))).toBeUndefined();
    const withEndpoint = functionIn('ap-southeast-1', 'vpc+xray');
    expect(tracingOf(withEndpoint)).toEqual({ Mode: 'Active' });
    withEndpoint.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.ap-southeast-1.xray', PrivateDnsEnabled: true });
    withEndpoint.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 443, Description: 'HTTPS to X-Ray: traces of the function' });
  });

  test('never traced in aws-cn, where no X-Ray endpoint is added either', () => {
    const t = functionIn('cn-north-1', 'vpc+xray');
    expect(tracingOf(t)).toBeUndefined();
    expect(JSON.stringify(t.findResources('AWS::EC2::VPCEndpoint'))).not.toContain('xray');
  });

  test('the default security group is closed by a function with reserved concurrency and a dead-letter queue', () => {
    const t = functionIn('cn-north-1', 'vpc');
    const [closer] = Object.values(t.findResources('Custom::VpcRestrictDefaultSG'));
    expect(closer.Properties.DefaultSecurityGroupId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NetVpc/), 'DefaultSecurityGroup'] });
    for (const fn of Object.values(t.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties).toMatchObject({ ReservedConcurrentExecutions: expect.any(Number), DeadLetterConfig: { TargetArn: expect.anything() } });
    }
  });
});

describe('cross-partition credentials', () => {
  test('the secret starts as the not-provisioned JSON template, under the key, and is never rotated on creation', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'cn-north-1', account: '111122223333' } });
    const key = new kms.Key(stack, 'Key');
    new PartitionCredentials(stack, 'Creds', { destinationRegion: 'ap-southeast-1', encryptionKey: key, logsKey: key, logRetentionDays: 7, residency: 'cn-north-1' });
    const t = Template.fromStack(stack);
    const [secret] = Object.values(t.findResources('AWS::SecretsManager::Secret'));
    expect(secret.Properties.GenerateSecretString).toBeUndefined();
    expect(JSON.parse(secret.Properties.SecretString)).toMatchObject({ status: 'not-provisioned', accessKeyId: '', destinationRegion: 'ap-southeast-1' });
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotateImmediatelyOnUpdate: false, RotationRules: { ScheduleExpression: 'rate(30 days)' } });
    // No aws-cdk-lib ViaService grant spelled for the commercial partition.
    expect(JSON.stringify(t.toJSON())).not.toContain('secretsmanager.cn-north-1.amazonaws.com"');
  });
});
