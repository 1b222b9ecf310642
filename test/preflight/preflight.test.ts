import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notProvisionedTemplate } from '../../lambda/credential-rotation/credentials';
import { availabilityOf, AVAILABILITY, requireOffered } from '../../lib/availability';
import { run } from '../../lib/cli/preflight';
import { preflight } from '../../lib/preflight/preflight';
import type { AssemblyStack } from '../../lib/report/cloud-assembly';
import type { CfnTemplateJson } from '../../lib/preflight/template-model';

/** A stack of fixture resources, as the assembly reader returns it. */
function stack(resources: CfnTemplateJson['Resources'], env: { region?: string; account?: string; id?: string } = {}): AssemblyStack {
  return {
    artifactId: env.id ?? 'fixture',
    path: env.id ?? 'fixture',
    region: 'region' in env ? env.region : 'ap-southeast-1',
    account: env.account,
    templateFile: 'fixture.template.json',
    template: { Resources: resources } as AssemblyStack['template'],
    constructPathByLogicalId: new Map(),
  };
}

const blockers = (s: AssemblyStack | AssemblyStack[]) =>
  preflight(Array.isArray(s) ? s : [s]).stacks.flatMap((c) => c.items.filter((i) => i.severity === 'blocker').map((i) => `${i.check}: ${i.message}`));

const FUNCTION_OK = {
  Type: 'AWS::Lambda::Function',
  Properties: { Runtime: 'nodejs24.x', Architectures: ['arm64'], ReservedConcurrentExecutions: 1, DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
};

describe('residency preflight: one fixture per blocker', () => {
  test('a clean fixture has no blocker', () => {
    expect(blockers(stack({ Fn: FUNCTION_OK, Bucket: { Type: 'AWS::S3::Bucket' } }))).toEqual([]);
  });

  test('global names: an explicit bucket name without the account (the old paydata-landing-<region>)', () => {
    expect(blockers(stack({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'paydata-landing-ap-southeast-1' } } }))).toEqual([
      expect.stringMatching(/^global-names: bucket name paydata-landing-ap-southeast-1 carries no account/),
    ]);
  });

  test('global names: an account-bound name that S3 would refuse (too long, upper case)', () => {
    const long = { 'Fn::Join': ['', ['a-very-long-project-name-x-landing-', { Ref: 'AWS::AccountId' }, '-ap-southeast-1-and-more']] };
    expect(blockers(stack({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: long } } }))).toEqual([expect.stringMatching(/is invalid: \d+ characters; S3 allows 3 to 63/)]);
    expect(blockers(stack({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'Paydata-123456789012' } } }))).toEqual([expect.stringMatching(/only lowercase letters/)]);
  });

  test('global names: replication to a bucket no stack creates under that name', () => {
    const home = stack(
      { Out: { Type: 'AWS::S3::Bucket', Properties: { ReplicationConfiguration: { Rules: [{ Destination: { Bucket: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::paydata-landing-111111111111-eu-west-1']] } } }] } } } },
      { id: 'home', account: '111111111111' },
    );
    const dest = stack({ Landing: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'paydata-landing-222222222222-eu-west-1' } } }, { id: 'dest', region: 'eu-west-1', account: '222222222222' });
    expect(blockers([home, dest])).toEqual(['global-names: replicates to bucket paydata-landing-111111111111-eu-west-1, which no other stack of this assembly creates under that name']);
  });

  test('availability: a feature the partition does not offer (X-Ray for Lambda in cn-north-1)', () => {
    const traced = { ...FUNCTION_OK, Properties: { ...FUNCTION_OK.Properties, TracingConfig: { Mode: 'Active' } } };
    expect(blockers(stack({ Fn: traced }, { region: 'cn-north-1' }))).toEqual([
      expect.stringMatching(/^availability: X-Ray tracing of Lambda functions is not offered in cn-north-1: .*docs\.amazonaws\.cn/),
      'traces: traced function in a region where X-Ray does not integrate with Lambda',
    ]);
  });

  test('availability: a resource type or runtime the table does not cover is a blocker until checked', () => {
    expect(blockers(stack({ Q: { Type: 'AWS::Kinesis::Stream' } }))).toEqual([expect.stringMatching(/^availability: AWS::Kinesis::Stream is not checked for ap-southeast-1/)]);
    expect(blockers(stack({ Fn: { ...FUNCTION_OK, Properties: { ...FUNCTION_OK.Properties, Runtime: 'nodejs18.x' } } }))).toEqual([
      expect.stringMatching(/^availability: Lambda runtime nodejs18.x is not checked/),
    ]);
    expect(blockers(stack({ B: { Type: 'AWS::S3::Bucket' } }, { region: 'eu-central-1' }))).toEqual([expect.stringMatching(/AWS::S3::Bucket is not checked for eu-central-1/)]);
  });

  test('traces: a traced function in a VPC with no X-Ray endpoint it may reach', () => {
    const inVpc = { ...FUNCTION_OK, Properties: { ...FUNCTION_OK.Properties, TracingConfig: { Mode: 'Active' }, VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': ['FnSg', 'GroupId'] }] } } };
    expect(blockers(stack({ Fn: inVpc, FnSg: { Type: 'AWS::EC2::SecurityGroup' } }))).toEqual(['traces: traced function in a VPC with no X-Ray endpoint it may reach: its traces cannot be sent']);
    const endpoint = { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.ap-southeast-1.xray', SecurityGroupIds: [{ 'Fn::GetAtt': ['EpSg', 'GroupId'] }] } };
    const ingress = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['EpSg', 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': ['FnSg', 'GroupId'] } } };
    expect(blockers(stack({ Fn: inVpc, FnSg: { Type: 'AWS::EC2::SecurityGroup' }, EpSg: { Type: 'AWS::EC2::SecurityGroup' }, Ep: endpoint }))).toEqual([expect.stringMatching(/no X-Ray endpoint it may reach/)]);
    expect(blockers(stack({ Fn: inVpc, FnSg: { Type: 'AWS::EC2::SecurityGroup' }, EpSg: { Type: 'AWS::EC2::SecurityGroup' }, Ep: endpoint, In: ingress }))).toEqual([]);
  });

  test('lambda resilience: a provider without reserved concurrency or dead-letter queue (CDK default-SG provider)', () => {
    expect(blockers(stack({ Provider: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs24.x' } } }))).toEqual([
      'lambda-resilience: function without reserved concurrency and a dead-letter queue',
    ]);
    const withDlqOnly = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs24.x', DeadLetterConfig: { TargetArn: 'arn' } } };
    expect(blockers(stack({ Provider: withDlqOnly }))).toEqual(['lambda-resilience: function without reserved concurrency']);
  });

  test('secrets: a secret that starts as a random string and is rotated immediately', () => {
    const resources = {
      S: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: {} } },
      R: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { SecretId: { Ref: 'S' }, RotationRules: { AutomaticallyAfterDays: 30 } } },
    };
    expect(blockers(stack(resources))).toEqual([expect.stringMatching(/^secrets: rotates its secret as soon as it is created, while the secret holds a random string/)]);
  });

  test('secrets: the not-provisioned template without immediate rotation is an action to do, not a blocker', () => {
    const resources = {
      S: { Type: 'AWS::SecretsManager::Secret', Properties: { SecretString: JSON.stringify(notProvisionedTemplate('ap-southeast-1')) } },
      R: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { SecretId: { Ref: 'S' }, RotateImmediatelyOnUpdate: false, RotationRules: { AutomaticallyAfterDays: 30 } } },
    };
    const report = preflight([stack(resources)]);
    expect(report.blockers).toBe(0);
    expect(report.stacks[0].items.filter((i) => i.check === 'secrets')).toEqual([
      expect.objectContaining({ severity: 'action', logicalId: 'S', message: expect.stringMatching(/before its first rotation, 30 days after deployment/) }),
    ]);
  });

  test('accounts: a cross-partition push whose landing bucket the home stack could not name', () => {
    const destinations = { 'Fn::Join': ['', ['[{"region":"ap-southeast-1","method":"cross-partition-push","credentialsSecretArn":"', { Ref: 'Secret' }, '"}]']] };
    const fn = { ...FUNCTION_OK, Properties: { ...FUNCTION_OK.Properties, Environment: { Variables: { DESTINATIONS: destinations } } } };
    expect(blockers(stack({ Fn: fn }, { region: 'cn-north-1' }))).toEqual([expect.stringMatching(/^accounts: the landing bucket of ap-southeast-1 is in another partition and its account is not configured/)]);
  });

  test('kms:ViaService spelled for the commercial partition in an aws-cn stack (what aws-cdk-lib Secret adds)', () => {
    const policy = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.cn-north-1.amazonaws.com' } } }] } },
    };
    expect(blockers(stack({ P: policy }, { region: 'cn-north-1' }))).toEqual([expect.stringMatching(/^kms-via-service: kms:ViaService secretsmanager.cn-north-1.amazonaws.com never matches here/)]);
    const suffixed = { 'Fn::Join': ['', ['secretsmanager.cn-north-1.', { Ref: 'AWS::URLSuffix' }]] };
    const fixed = { ...policy, Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': suffixed } } }] } } };
    expect(blockers(stack({ P: fixed }, { region: 'cn-north-1' }))).toEqual([]);
  });

  test('a stack without a known region cannot be checked', () => {
    expect(blockers(stack({}, { region: undefined }))).toEqual([expect.stringMatching(/no known region/)]);
  });
});

describe('availability table', () => {
  test('every row is sourced and dated; aws-cn rows cite the AWS China documentation', () => {
    for (const row of AVAILABILITY) {
      expect(row.source).toMatch(/^https:\/\//);
      expect(row.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (row.partition === 'aws-cn') expect(row.source).toMatch(/^https:\/\/docs\.amazonaws\.cn\//);
    }
  });

  test.each([
    ['lambda:xray-tracing', 'cn-north-1', 'not-offered'],
    ['lambda:xray-tracing', 'ap-southeast-1', 'offered'],
    ['lambda:arm64', 'cn-north-1', 'offered'],
    ['lambda:nodejs24.x', 'cn-north-1', 'offered'],
    ['cloudtrail:dynamodb-data-events', 'cn-north-1', 'offered'],
    ['vpc-endpoint:xray', 'cn-north-1', 'unchecked'],
    ['AWS::S3::Bucket', 'cn-northwest-1', 'offered'],
    ['AWS::S3::Bucket', 'sa-east-1', 'unchecked'],
  ])('%s in %s: %s', (subject, region, expected) => {
    expect(availabilityOf(subject, region)).toBe(expected);
  });

  test('a refusal names the feature, the region and partition, the source and what to do', () => {
    expect(() => requireOffered('lambda:xray-tracing', 'cn-north-1', 'the gateway', 'Turn tracing off.')).toThrow(
      /lambda:xray-tracing is not offered in cn-north-1 \(partition aws-cn; https:\/\/docs\.amazonaws\.cn\/.*checked 2026-12-02\); the gateway needs it\. Turn tracing off\./,
    );
  });
});

describe('residency preflight command', () => {
  function assembly(resources: CfnTemplateJson['Resources']): string {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
    writeFileSync(join(dir, 'fixture.template.json'), JSON.stringify({ Resources: resources }));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ version: '36.0.0', artifacts: { fixture: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/ap-southeast-1', properties: { templateFile: 'fixture.template.json' } } } }),
    );
    return dir;
  }
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) } };
  };

  test('exits 1 on a blocker and prints the checklist with what to do', async () => {
    const t = io();
    const code = await run([assembly({ B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'paydata-landing-ap-southeast-1' } } })], t.io as never);
    expect(code).toBe(1);
    expect(t.out.join('')).toMatch(/\[BLOCKER\] global-names B: bucket name paydata-landing-ap-southeast-1 carries no account[\s\S]*do: put the account id in the name[\s\S]*1 blocker\(s\)/);
  });

  test('exits 0 without blockers; --format json is the same checklist as data', async () => {
    const t = io();
    expect(await run([assembly({ B: { Type: 'AWS::S3::Bucket' } }), '--format', 'json'], t.io as never)).toBe(0);
    const report = JSON.parse(t.out.join(''));
    expect(report).toMatchObject({ blockers: 0, stacks: [{ stack: 'fixture', region: 'ap-southeast-1', items: [expect.objectContaining({ check: 'accounts', severity: 'action' })] }] });
  });

  test('refuses a directory that is not a cloud assembly, and an unknown format', async () => {
    await expect(run([tmpdir() + '/no-such-assembly'], io().io as never)).rejects.toThrow(/is not a cloud assembly \(no manifest.json\); run "npx cdk synth" first/);
    await expect(run(['--format', 'yaml'], io().io as never)).rejects.toThrow(/--format: got "yaml"; expected text or json/);
  });
});
