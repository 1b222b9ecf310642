import { lambdaResilienceFindings } from '../../lib/preflight/template-checks';
import { shippedConfig } from '../support/app-fixture';
import { fixtureAssembly, type FixtureAssembly } from '../support/fixture-assembly';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Template = { Resources: Record<string, Resource> };

/**
 * The opt-in CloudHSM key store, through a profile only the tests use (cdk.json ships none with
 * it enabled): the default profile plus a cluster (`hsmTestConfig`). `built` is the real app with
 * every pack, as the global setup synthesized it for this run (test/support/fixture-assembly.ts).
 */
let built: FixtureAssembly;
let home: Template;

beforeAll(() => {
  built = fixtureAssembly('hsm');
  home = built.templates[built.home.stackName] as Template;
});

function ofType(type: string): Array<[string, Resource]> {
  return Object.entries(home.Resources).filter(([, r]) => r.Type === type);
}

const tag = (r: Resource, key: string) => (r.Properties?.Tags as Array<{ Key: string; Value: string }> | undefined)?.find((t) => t.Key === key)?.Value;

test('no shipped profile enables it', () => {
  for (const profile of ['default', 'sg-home']) expect(shippedConfig(profile).cloudHsm.enabled).toBe(false);
});

test('the C3 bucket is encrypted with the key in the CloudHSM store; no KMS-held C3 key remains', () => {
  const [[keyStoreId]] = ofType('Custom::CloudHsmKey');
  const c3Buckets = ofType('AWS::S3::Bucket').filter(([, b]) => tag(b, 'data-class') === 'C3');
  expect(c3Buckets).toHaveLength(1);
  expect(JSON.stringify(c3Buckets[0][1].Properties?.BucketEncryption)).toContain(JSON.stringify({ 'Fn::GetAtt': [keyStoreId, 'KeyArn'] }));
  // C1 class and outbound keys, C2 class and token keys, audit, logs: no C3 key held by KMS.
  expect(ofType('AWS::KMS::Key').map(([, k]) => tag(k, 'data-class')).sort()).toEqual(['C1', 'C2', 'C2', 'audit', 'desensitized', 'logs', 'logs']); // desensitized: the outbound key; the second logs key: the default-SG closer's
});

test('the store is on the configured cluster; its provider logs with the logs key for the configured retention', () => {
  const [[, keyStore]] = ofType('Custom::CloudHsmKey');
  expect(keyStore.Properties).toMatchObject({ CloudHsmClusterId: 'cluster-jxhlf7644ne', KeyStorePasswordSecretId: 'paydata/cloudhsm/kmsuser' });
  const [[logsKeyId]] = ofType('AWS::KMS::Key').filter(([, k]) => tag(k, 'data-class') === 'logs');
  const providerLogs = ofType('AWS::Logs::LogGroup').filter(([id]) => id.startsWith('C3HsmKeyStoreProviderLogs'));
  expect(providerLogs.map(([, g]) => g.Properties)).toEqual([
    expect.objectContaining({ RetentionInDays: built.config.logRetentionDays, KmsKeyId: { 'Fn::GetAtt': [logsKeyId, 'Arn'] } }),
  ]);
});

test('no literal partition (the home region is in aws-cn)', () => {
  expect(JSON.stringify(home)).not.toMatch(/arn:aws[:-]/);
});

test('the acknowledged wildcard lands on the provider policy, and only there', () => {
  const landed = built.acknowledgements.filter(
    (a) => a.acknowledgement.ruleId === 'AwsSolutions-IAM5[Resource::*]' && a.paths.some((p) => p.includes('/C3HsmKeyStore/')),
  );
  expect(landed.map((a) => a.paths)).toEqual([['paydata-home/C3HsmKeyStore/ProviderPolicy/Resource']]);
  expect(landed[0].acknowledgement.reason).toMatch(/accept no resource ARN/);
});

test('every pack passes the profile with CloudHSM (the provider outside the VPC is acknowledged with its reason)', () => {
  expect(built.packNames.length).toBeGreaterThan(0);
  const findings = built.packNames.flatMap((pack) => built.violations[pack]);
  expect(findings).toEqual([]);
});

test('with the CloudHSM key store, every Lambda function (its provider included) has reserved concurrency and a dead-letter queue', () => {
  expect(ofType('AWS::Lambda::Function').map(([id]) => id)).toEqual(expect.arrayContaining([expect.stringMatching(/^C3HsmKeyStoreProvider/)]));
  expect(lambdaResilienceFindings(home).map((f) => `${f.logicalId}: ${f.message}`)).toEqual([]);
});
