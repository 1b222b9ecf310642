import { Template } from 'aws-cdk-lib/assertions';
import { allStacks, buildApp, type BuiltApp } from '../support/app-fixture';

type Resource = { Type: string; Properties?: Record<string, unknown> };

const PROFILES = ['default', 'sg-home'] as const;
const built: Record<string, BuiltApp> = {};
const templates: Record<string, Record<string, { Resources: Record<string, Resource> }>> = {};

beforeAll(() => {
  for (const profile of PROFILES) {
    built[profile] = buildApp(profile);
    const assembly = built[profile].app.synth();
    templates[profile] = Object.fromEntries(
      allStacks(built[profile]).map((stack) => [stack.stackName, assembly.getStackArtifact(stack.artifactId).template]),
    );
  }
});

function resources(profile: string, type?: string): Array<[string, string, Resource]> {
  return Object.entries(templates[profile]).flatMap(([stack, template]) =>
    Object.entries(template.Resources)
      .filter(([, r]) => type === undefined || r.Type === type)
      .map(([id, r]): [string, string, Resource] => [stack, id, r]),
  );
}

function tagsOf(resource: Resource): Record<string, string> {
  const tags = resource.Properties?.Tags ?? resource.Properties?.BackupVaultTags ?? [];
  if (Array.isArray(tags)) return Object.fromEntries((tags as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]));
  return tags as Record<string, string>;
}

describe.each(PROFILES)('profile %s', (profile) => {
  test('every stack is pinned to an explicit region; the home stack to the home region', () => {
    const { stacks, config } = built[profile];
    expect(stacks.home.region).toBe(config.homeRegion);
    expect(stacks.destinations.map((s) => s.region)).toEqual(config.allowedDestinationRegions);
  });

  test('snapshot of every stack (asset hashes normalised)', () => {
    for (const [name, template] of Object.entries(templates[profile])) {
      expect(template).toMatchSnapshot(name);
    }
  });

  test('every bucket is SSE-KMS with a customer key, except the SSE-S3 access-log targets', () => {
    for (const [stack, id, bucket] of resources(profile, 'AWS::S3::Bucket')) {
      const rule = (bucket.Properties?.BucketEncryption as { ServerSideEncryptionConfiguration: Array<{ ServerSideEncryptionByDefault: Record<string, unknown> }> })
        .ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault;
      if (tagsOf(bucket)['data-class'] === 'access-logs') {
        expect(rule.SSEAlgorithm).toBe('AES256');
      } else {
        expect({ stack, id, algorithm: rule.SSEAlgorithm, key: rule.KMSMasterKeyID !== undefined }).toEqual({ stack, id, algorithm: 'aws:kms', key: true });
      }
      expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
    }
  });

  test('every bucket has a TLS-only policy', () => {
    const buckets = resources(profile, 'AWS::S3::Bucket').map(([stack, id]) => `${stack}/${id}`);
    const tlsOnly = resources(profile, 'AWS::S3::BucketPolicy')
      .filter(([, , policy]) => JSON.stringify(policy.Properties).includes('"aws:SecureTransport":"false"'))
      .map(([stack, , policy]) => `${stack}/${(policy.Properties?.Bucket as { Ref: string }).Ref}`);
    expect(tlsOnly.sort()).toEqual(buckets.sort());
  });

  test('every DynamoDB table has a customer key, PITR and deletion protection', () => {
    const tables = resources(profile, 'AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const [, , table] of tables) {
      expect(table.Properties).toMatchObject({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
  });

  test('at least three data classes with their own rotating key, plus an HMAC key', () => {
    const keys = resources(profile, 'AWS::KMS::Key').filter(([stack]) => stack.endsWith('-home'));
    const rotatingClasses = keys.filter(([, , k]) => k.Properties?.EnableKeyRotation === true).map(([, , k]) => tagsOf(k)['data-class']);
    expect(rotatingClasses).toEqual(expect.arrayContaining(['C3', 'C2', 'C1']));
    expect(keys.some(([, , k]) => k.Properties?.KeySpec === 'HMAC_256')).toBe(true);
  });

  test('every log group keeps events at most 90 days and is KMS-encrypted', () => {
    for (const [, , group] of resources(profile, 'AWS::Logs::LogGroup')) {
      expect(group.Properties?.RetentionInDays).toBeLessThanOrEqual(90);
      expect(group.Properties?.KmsKeyId).toBeDefined();
    }
  });

  test('every data store and key is tagged data-class and residency', () => {
    const stores = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::Backup::BackupVault', 'AWS::Logs::LogGroup', 'AWS::SQS::Queue', 'AWS::SNS::Topic'];
    const { config } = built[profile];
    const regions = [config.homeRegion, ...config.allowedDestinationRegions];
    for (const [stack, id, resource] of resources(profile).filter(([, , r]) => stores.includes(r.Type))) {
      const tags = tagsOf(resource);
      expect({ stack, id, dataClass: /^(C1|C2|C3|audit|logs|access-logs)$/.test(tags['data-class'] ?? '') }).toEqual({ stack, id, dataClass: true });
      expect(regions).toContain(tags.residency);
    }
  });

  test('no literal partition anywhere', () => {
    expect(JSON.stringify(templates[profile])).not.toMatch(/arn:aws[:-]/);
  });

  test('raw personal data (C2/C3 stores) lives only in the home stack', () => {
    for (const [stack, , resource] of resources(profile)) {
      if (['C2', 'C3'].includes(tagsOf(resource)['data-class'] ?? '') && resource.Type !== 'AWS::KMS::Key') {
        expect(stack).toBe(`${built[profile].config.projectName}-home`);
      }
    }
  });

  test('acknowledgements are written into the templates with their reasons', () => {
    type WithMetadata = Resource & { Metadata?: { cdk_nag?: { rules_to_suppress: Array<{ id: string; reason: string }> } } };
    const acknowledged = resources(profile).flatMap(([, , r]) => (r as WithMetadata).Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const entry of acknowledged) expect(entry.reason.length).toBeGreaterThanOrEqual(25);
  });

  test('the home template can be read with the assertions library', () => {
    const template = Template.fromJSON(templates[profile][built[profile].stacks.home.stackName]);
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });
});
