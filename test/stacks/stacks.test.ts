import { Template } from 'aws-cdk-lib/assertions';
import { partitionOf } from '../../lambda/core/regions';
import { homePartition } from '../../lib/config';
import { AUDIT_AND_ACCESS_ACKNOWLEDGEMENTS, acknowledgementsFor } from '../../lib/nag/acknowledgements';
import { baseRuleId } from '../../lib/nag/acknowledgement-checks';
import { fixtureAssembly, type FixtureAssembly } from '../support/fixture-assembly';
import { unknownIamActions } from '../support/iam-actions';
import { isOffered } from '../../lib/availability';
import { DATA_CLASS_TAG, RESIDENCY_TAG, isKnownDataClass } from '../../lib/vocabulary/data-classes';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bucketNameFindings,
  iamActionsOf,
  impliedDependencyFindings,
  lambdaResilienceFindings,
  secretFindings,
  traceFindings,
  viaServiceFindings,
} from '../../lib/preflight/template-checks';
import type { CfnTemplateJson } from '../../lib/preflight/template-model';
import { preflight } from '../../lib/preflight/preflight';
import { readAssemblyStacks } from '../../lib/report/cloud-assembly';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };
type Statement = { Sid?: string; Effect: string; Action?: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
type PolicyDocument = { Statement: Statement[] };

const PROFILES = ['default', 'sg-home'] as const;
const built: Record<string, FixtureAssembly> = {};
const templates: Record<string, Record<string, { Resources: Record<string, Resource> }>> = {};
const assemblyDirs: Record<string, string> = {};

// Each profile as the global setup synthesized it for this run (test/support/fixture-assembly.ts).
beforeAll(() => {
  for (const profile of PROFILES) {
    built[profile] = fixtureAssembly(profile);
    assemblyDirs[profile] = built[profile].directory;
    templates[profile] = built[profile].templates as Record<string, { Resources: Record<string, Resource> }>;
  }
});

function resources(profile: string, type?: string): Array<[string, string, Resource]> {
  return Object.entries(templates[profile]).flatMap(([stack, template]) =>
    Object.entries(template.Resources)
      .filter(([, r]) => type === undefined || r.Type === type)
      .map(([id, r]): [string, string, Resource] => [stack, id, r]),
  );
}

/** Every policy document of a resource: identity policies, inline role policies, bucket, topic and key policies. */
function policyDocumentsOf(resource: Resource): PolicyDocument[] {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::Policy':
    case 'AWS::S3::BucketPolicy':
    case 'AWS::SNS::TopicPolicy':
      return [p.PolicyDocument as PolicyDocument];
    case 'AWS::IAM::Role':
      return ((p.Policies as Array<{ PolicyDocument: PolicyDocument }> | undefined) ?? []).map((policy) => policy.PolicyDocument);
    case 'AWS::KMS::Key':
      return [p.KeyPolicy as PolicyDocument];
    default:
      return [];
  }
}

/** A human role trusts accounts (AWS principals), not services. */
function isHumanRole(resource: Resource): boolean {
  const trust = resource.Properties?.AssumeRolePolicyDocument as PolicyDocument | undefined;
  return resource.Type === 'AWS::IAM::Role' && (trust?.Statement ?? []).some((s) => JSON.stringify(s.Principal).includes('"AWS"'));
}

function tagsOf(resource: Resource): Record<string, string> {
  const tags = resource.Properties?.Tags ?? resource.Properties?.BackupVaultTags ?? [];
  if (Array.isArray(tags)) return Object.fromEntries((tags as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]));
  return tags as Record<string, string>;
}

describe.each(PROFILES)('profile %s', (profile) => {
  test('every stack is pinned to an explicit region; the home stack to the home region', () => {
    const { home, destinations, config } = built[profile];
    expect(home.region).toBe(config.homeRegion);
    expect(destinations.map((s) => s.region)).toEqual(config.allowedDestinationRegions);
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
      expect({ stack, id, dataClass: isKnownDataClass(tags[DATA_CLASS_TAG]) }).toEqual({ stack, id, dataClass: true });
      expect(regions).toContain(tags.residency);
    }
  });

  test('every stack itself carries its residency tag (set explicitly: @aws-cdk/core:explicitStackTags)', () => {
    const { home, destinations, config } = built[profile];
    const manifest = JSON.parse(readFileSync(join(assemblyDirs[profile], 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { properties?: { tags?: Record<string, string> } }>;
    };
    const stackTags = (artifactId: string) => manifest.artifacts[artifactId]?.properties?.tags;
    expect(stackTags(home.artifactId)).toEqual({ [RESIDENCY_TAG]: config.homeRegion });
    for (const destination of destinations) expect(stackTags(destination.artifactId)).toEqual({ [RESIDENCY_TAG]: destination.region });
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

  describe('issue 4: immutable audit and least-privilege human access', () => {
    const home = () => `${built[profile].config.projectName}-home`;
    const homeResources = (type: string) => resources(profile, type).filter(([stack]) => stack === home()).map(([, id, r]) => [id, r] as [string, Resource]);

    test('one trail: log-file validation, KMS, CloudWatch Logs, multi-region, global events, S3 and DynamoDB data events on C2/C3 stores', () => {
      const trails = homeResources('AWS::CloudTrail::Trail');
      expect(trails).toHaveLength(1);
      const trail = trails[0][1].Properties!;
      expect(trail).toMatchObject({ EnableLogFileValidation: true, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, IsLogging: true });
      expect(trail.KMSKeyId).toBeDefined();
      expect(trail.CloudWatchLogsLogGroupArn).toBeDefined();
      expect(trail.CloudWatchLogsRoleArn).toBeDefined();
      const selectors = trail.EventSelectors as Array<{ IncludeManagementEvents: boolean; DataResources: Array<{ Type: string; Values: unknown[] }> }>;
      const data = Object.fromEntries(selectors.flatMap((s) => s.DataResources).map((d) => [d.Type, JSON.stringify(d.Values)]));
      expect(selectors[0].IncludeManagementEvents).toBe(true);
      expect(data['AWS::S3::Object']).toMatch(/C3StoreBucket.*C2StoreBucket/);
      expect(data['AWS::S3::Object']).not.toMatch(/C1StoreBucket/);
      expect(data['AWS::DynamoDB::Table']).toMatch(/C2\w+RecordsTable/);
    });

    test('the trail bucket: Object Lock COMPLIANCE with the configured retention, versioning, audit key', () => {
      const [[, bucket]] = homeResources('AWS::S3::Bucket').filter(([, r]) => tagsOf(r)['data-class'] === 'audit');
      expect(bucket.Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: built[profile].config.auditObjectLockDays } } },
        VersioningConfiguration: { Status: 'Enabled' },
      });
      const [[trailId, trail]] = homeResources('AWS::CloudTrail::Trail');
      expect({ trailId, bucket: trail.Properties?.S3BucketName }).toEqual({ trailId, bucket: { Ref: expect.stringMatching(/^AuditTrailRecordBucket/) } });
    });

    test('at least 14 metric filters on the trail log group, and as many alarms that notify', () => {
      const trailLogGroup = JSON.stringify((homeResources('AWS::CloudTrail::Trail')[0][1].Properties!.CloudWatchLogsLogGroupArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
      const filters = homeResources('AWS::Logs::MetricFilter').filter(([, f]) => JSON.stringify(f.Properties?.LogGroupName).includes(JSON.parse(trailLogGroup)));
      const alarms = homeResources('AWS::CloudWatch::Alarm');
      expect(filters.length).toBeGreaterThanOrEqual(14);
      expect(alarms.length).toBeGreaterThanOrEqual(filters.length);
      const topics = homeResources('AWS::SNS::Topic').map(([id]) => id);
      for (const [id, alarm] of alarms) {
        const actions = (alarm.Properties?.AlarmActions as Array<{ Ref: string }> | undefined) ?? [];
        expect({ id, enabled: alarm.Properties?.ActionsEnabled !== false, toTopic: actions.some((a) => topics.includes(a.Ref)) }).toEqual({ id, enabled: true, toTopic: true });
      }
    });

    test('root usage (CIS 4.3) is watched only where a root user exists', () => {
      const rootAlarms = homeResources('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties?.MetricName === 'RootUsage');
      expect(rootAlarms).toHaveLength(homePartition(built[profile].config) === 'aws' ? 1 : 0);
    });

    test('every SNS topic is encrypted with a customer key', () => {
      const topics = resources(profile, 'AWS::SNS::Topic');
      expect(topics.length).toBeGreaterThan(0);
      for (const [stack, id, topic] of topics) {
        expect({ stack, id, key: (topic.Properties?.KmsMasterKeyId as { 'Fn::GetAtt'?: string[] })?.['Fn::GetAtt']?.[1] }).toEqual({ stack, id, key: 'Arn' });
      }
    });

    test('at least three human roles, each MFA-conditioned, sessions of at most an hour, bounded', () => {
      const roles = homeResources('AWS::IAM::Role').filter(([, r]) => isHumanRole(r));
      expect(roles.length).toBeGreaterThanOrEqual(3);
      for (const [id, role] of roles) {
        const trust = (role.Properties!.AssumeRolePolicyDocument as PolicyDocument).Statement;
        for (const statement of trust) {
          expect({ id, condition: statement.Condition }).toEqual({
            id,
            condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': expect.any(Number) } },
          });
          expect(statement.Condition!.NumericLessThan['aws:MultiFactorAuthAge']).toBeLessThanOrEqual(3600);
        }
        expect(role.Properties!.MaxSessionDuration).toBeLessThanOrEqual(3600);
        expect(role.Properties!.PermissionsBoundary).toBeDefined();
      }
    });

    test('no policy anywhere allows a service-wide wildcard (bar the key policies\' account-root delegation)', () => {
      const wildcard = /^(\*|[\w-]+:\*)$/;
      const offenders = resources(profile).flatMap(([stack, id, r]) =>
        policyDocumentsOf(r).flatMap((doc) =>
          doc.Statement.filter((s) => s.Effect === 'Allow' && [s.Action ?? []].flat().some((a) => wildcard.test(a)))
            .filter((s) => !(r.Type === 'AWS::KMS::Key' && /:root"/.test(JSON.stringify(s.Principal))))
            .map((s) => `${stack}/${id}: ${JSON.stringify(s.Action)}`),
        ),
      );
      expect(offenders).toEqual([]);
    });

    test('a Deny on aws:RequestedRegion bounds the human roles', () => {
      const boundaryIds = homeResources('AWS::IAM::Role').filter(([, r]) => isHumanRole(r)).map(([, r]) => (r.Properties!.PermissionsBoundary as { Ref: string }).Ref);
      for (const boundaryId of new Set(boundaryIds)) {
        const [[, boundary]] = homeResources('AWS::IAM::ManagedPolicy').filter(([id]) => id === boundaryId);
        const denies = (boundary.Properties!.PolicyDocument as PolicyDocument).Statement.filter((s) => s.Effect === 'Deny' && s.Condition?.StringNotEquals?.['aws:RequestedRegion']);
        expect(denies.length).toBeGreaterThanOrEqual(1);
        expect(denies[0].Condition!.StringNotEquals['aws:RequestedRegion']).toContain(built[profile].config.homeRegion);
      }
    });

    test('IAM Access Analyzer: an account analyzer everywhere, unused access where the partition offers it', () => {
      const types = homeResources('AWS::AccessAnalyzer::Analyzer').map(([, a]) => a.Properties?.Type).sort();
      expect(types).toEqual(homePartition(built[profile].config) === 'aws' ? ['ACCOUNT', 'ACCOUNT_UNUSED_ACCESS'] : ['ACCOUNT']);
    });

    test('every acknowledgement of the audit and access block lands on a construct', () => {
      const inBlock = (a: { ruleId: string; construct: string }) =>
        AUDIT_AND_ACCESS_ACKNOWLEDGEMENTS.some((b) => b.ruleId === a.ruleId && b.construct === a.construct);
      const landed = built[profile].acknowledgements.filter((a) => inBlock(a.acknowledgement));
      expect(landed).toHaveLength(AUDIT_AND_ACCESS_ACKNOWLEDGEMENTS.length);
      for (const { acknowledgement, paths } of landed) expect({ ack: acknowledgement.construct, landed: paths.length }).toEqual({ ack: acknowledgement.construct, landed: 1 });
    });
  });

  test('the home template can be read with the assertions library', () => {
    const template = Template.fromJSON(templates[profile][built[profile].home.stackName]);
    // Two classified record tables, plus the gateway's idempotency, headcount and ledger-head tables.
    template.resourceCountIs('AWS::DynamoDB::Table', 5);
  });
});

test.each(PROFILES)('the %s profile stays within the budget of 16 distinct acknowledged rules', (profile) => {
  const rules = new Set(acknowledgementsFor(built[profile].config).map((a) => baseRuleId(a.ruleId)));
  // 16 since issue 14: CT.LAMBDA.PR.2 on the AWS Config invoke permission (SourceAccount is a pseudo parameter at synth).
  expect(rules.size).toBeLessThanOrEqual(16);
});

describe.each(PROFILES)('transfer gateway (%s profile)', (profile) => {
  const home = () => Object.entries(templates[profile][built[profile].home.stackName].Resources);
  const ofType = (type: string) => home().filter(([, r]) => r.Type === type);

  test('project functions run a current Node.js runtime with KMS-encrypted environments, tracing where offered and explicit log groups', () => {
    const functions = ofType('AWS::Lambda::Function').filter(([, f]) => f.Properties?.Handler === 'index.handler');
    expect(functions.length).toBeGreaterThanOrEqual(2);
    // X-Ray does not integrate with Lambda in the China regions (lib/availability.ts): no tracing there.
    const tracing = homePartition(built[profile].config) === 'aws-cn' ? undefined : { Mode: 'Active' };
    for (const [id, f] of functions) {
      expect({ id, runtime: f.Properties?.Runtime }).toEqual({ id, runtime: 'nodejs24.x' });
      expect({ id, tracing: f.Properties?.TracingConfig }).toEqual({ id, tracing });
      expect(f.Properties).toMatchObject({ KmsKeyArn: expect.anything(), LoggingConfig: { LogGroup: expect.anything() } });
      expect(f.Properties?.DeadLetterConfig).toMatchObject({ TargetArn: expect.anything() });
    }
  });

  test('the raw-data gateway runs in the private network; that network has no route to the internet', () => {
    const [, gateway] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('GatewayFunction'))!;
    expect(gateway.Properties?.VpcConfig).toBeDefined();
    expect(ofType('AWS::EC2::InternetGateway')).toHaveLength(0);
    expect(ofType('AWS::EC2::NatGateway')).toHaveLength(0);
  });

  test('a Step Functions state machine runs a DISTRIBUTED map over the raw prefix, tolerating no failure silently', () => {
    const [, machine] = ofType('AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith('Backfill'))!;
    const definition = JSON.stringify(machine.Properties?.DefinitionString);
    expect(definition).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(definition).toContain('ResultWriter');
    expect(definition).toContain('raw/');
  });

  test('a second state machine splits objects too large for one invocation; the gateway may start that one only', () => {
    const [splitId, split] = ofType('AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith('GatewaySplit'))!;
    expect(JSON.stringify(split.Properties?.DefinitionString)).toContain('\\"ItemsPath\\":\\"$.plan.ranges\\"');
    const [, gateway] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('GatewayFunction'))!;
    const name = split.Properties?.StateMachineName as string;
    expect(JSON.stringify((gateway.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.SPLIT_STATE_MACHINE_ARN)).toContain(`:stateMachine:${name}`);
    const statements = ofType('AWS::IAM::ManagedPolicy').flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: { Action?: string | string[]; Resource?: unknown }[] }).Statement);
    const starts = statements.filter((st) => JSON.stringify(st.Action ?? '').includes('states:StartExecution'));
    expect(starts.some((st) => st.Action === 'states:StartExecution' && JSON.stringify(st.Resource).includes(`:stateMachine:${name}`))).toBe(true);
    // Nothing may start any state machine: every grant names one (the split by name, the backfill's and split's map runs by reference).
    expect(starts.filter((st) => JSON.stringify(st.Resource) === '"*"')).toEqual([]);
    expect(starts.every((st) => [name, splitId, 'Backfill'].some((s) => JSON.stringify(st.Resource).includes(s)))).toBe(true);
  });

  test('the ledger bucket has Object Lock in COMPLIANCE mode and entries can only be written once', () => {
    const ledger = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('GatewayLedgerStore'))!;
    expect(ledger[1].Properties).toMatchObject({ ObjectLockEnabled: true, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE' } } } });
    const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Properties).includes('LedgerEntriesAreWrittenOnce'));
    expect(JSON.stringify(policy?.[1].Properties)).toContain('s3:if-none-match');
  });

  test('outputs are staged outside what delivery acts on (no replication, no push rule), and kept there a day at most', () => {
    const [, gateway] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('GatewayFunction'))!;
    const variables = (gateway.Properties?.Environment as { Variables: Record<string, string> }).Variables;
    expect(variables).toMatchObject({ OUTBOUND_PREFIX: 'outbound/', STAGING_PREFIX: 'staging/' });
    const outbound = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('GatewayOutbound'))!;
    const rules = (outbound[1].Properties?.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Id: 'expire-staged-outputs', Prefix: 'staging/', ExpirationInDays: 1, Status: 'Enabled' }));
    const replication = outbound[1].Properties?.ReplicationConfiguration as { Rules: Array<{ Filter: { Prefix: string } }> } | undefined;
    for (const rule of replication?.Rules ?? []) expect(rule.Filter.Prefix.startsWith('staging/')).toBe(false);
    for (const [, rule] of ofType('AWS::Events::Rule')) expect(JSON.stringify(rule.Properties?.EventPattern ?? {})).not.toContain('staging/');
  });

  test('delivery has idempotency records, reports failed SQS messages one by one, and retries a push as often as it counts', () => {
    const [, delivery] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('DeliveryDeliverFunction'))!;
    const variables = (delivery.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.IDEMPOTENCY_TABLE).toEqual({ Ref: expect.stringMatching(/^GatewayIdempotencyTable/) });
    const policies = ofType('AWS::IAM::ManagedPolicy').filter(([id]) => id.startsWith('DeliveryDeliverRole'));
    expect(JSON.stringify(policies)).toMatch(/GatewayIdempotencyTable[0-9A-F]+","Arn"/);
    const retries = ofType('AWS::Lambda::EventInvokeConfig').filter(([, c]) => JSON.stringify(c.Properties?.FunctionName).includes('DeliveryDeliverFunction'));
    expect(retries.map(([, c]) => c.Properties?.MaximumRetryAttempts)).toEqual([2]);
    for (const [, mapping] of ofType('AWS::Lambda::EventSourceMapping')) {
      expect(mapping.Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });

  test('replication, where used, copies only the outbound prefix of allowed regions, with the destination key, never from C2/C3 stores', () => {
    const { config } = built[profile];
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      const replication = bucket.Properties?.ReplicationConfiguration as { Rules: Array<{ Filter: { Prefix: string }; Destination: { EncryptionConfiguration?: unknown } }> } | undefined;
      if (!replication) continue;
      expect(id).toMatch(/^GatewayOutbound/);
      for (const rule of replication.Rules) {
        const region = rule.Filter.Prefix.match(/^outbound\/([a-z0-9-]+)\/$/)?.[1];
        expect(config.allowedDestinationRegions).toContain(region);
        expect(rule.Destination.EncryptionConfiguration).toBeDefined();
      }
    }
    const sameRegionPartition = config.allowedDestinationRegions.some((r) => partitionOf(r) === partitionOf(config.homeRegion));
    expect(ofType('AWS::S3::Bucket').some(([, b]) => b.Properties?.ReplicationConfiguration !== undefined)).toBe(sameRegionPartition);
  });

  test('cross-partition destinations get a push function and a rotating credentials secret under a customer key', () => {
    const { config } = built[profile];
    const pushed = config.allowedDestinationRegions.filter((r) => partitionOf(r) !== partitionOf(config.homeRegion));
    expect(ofType('AWS::SecretsManager::Secret')).toHaveLength(pushed.length);
    expect(ofType('AWS::SecretsManager::RotationSchedule')).toHaveLength(pushed.length);
    for (const [, secret] of ofType('AWS::SecretsManager::Secret')) expect(secret.Properties?.KmsKeyId).toBeDefined();
  });

  test('transfer rules ship as reviewable configuration, and CAC headcount alarms act', () => {
    const [, gateway] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('GatewayFunction'))!;
    const rules = JSON.parse((gateway.Properties?.Environment as { Variables: Record<string, string> }).Variables.TRANSFER_RULES) as Array<{ id: string }>;
    expect(rules.map((r) => r.id).sort()).toEqual(profile === 'default' ? ['sg-settlement'] : ['eu-refunds', 'us-chargebacks']);
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties?.MetricName === 'DistinctSubjects');
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    for (const [, alarm] of alarms) expect(alarm.Properties?.AlarmActions).toHaveLength(1);
  });
});

/**
 * What a real first deployment would stumble on, read from the synthesized templates of both
 * profiles with the same template checks `residency preflight` runs (lib/preflight/template-checks.ts).
 */
describe.each(PROFILES)('deploys on the first try (%s profile)', (profile) => {
  const stacksOf = () =>
    built[profile].stacks.map((stack) => ({
      name: stack.stackName,
      region: stack.region,
      partition: partitionOf(stack.region),
      template: templates[profile][stack.stackName] as CfnTemplateJson,
    }));
  const messages = (findings: Array<{ logicalId?: string; message: string }>) => findings.map((f) => `${f.logicalId}: ${f.message}`);

  test('no explicit bucket name without the account', () => {
    expect(stacksOf().flatMap((s) => messages(bucketNameFindings(s.template)))).toEqual([]);
  });

  test('no immediate rotation of a secret that holds no credentials', () => {
    const blockers = stacksOf().flatMap((s) => secretFindings(s.template).filter((f) => f.severity === 'blocker'));
    expect(messages(blockers)).toEqual([]);
  });

  test('no traced function without a way to send traces', () => {
    expect(stacksOf().flatMap((s) => messages(traceFindings(s.template, { xrayOffered: isOffered('lambda:xray-tracing', s.region) })))).toEqual([]);
  });

  test('every Lambda function of the assembly, providers included, has reserved concurrency and a dead-letter queue', () => {
    const all = stacksOf().flatMap((s) => Object.values(s.template.Resources ?? {}).filter((r) => r.Type === 'AWS::Lambda::Function'));
    expect(all.length).toBeGreaterThan(0);
    expect(stacksOf().flatMap((s) => messages(lambdaResilienceFindings(s.template)))).toEqual([]);
  });

  test('no DependsOn that a reference already implies (cfn-lint W3005)', () => {
    expect(stacksOf().flatMap((s) => messages(impliedDependencyFindings(s.template)))).toEqual([]);
  });

  test('every kms:ViaService condition is spelled for the partition of its stack', () => {
    const suffix = (partition: string) => (partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com');
    const found = stacksOf().flatMap((s) => messages(viaServiceFindings(s.template, { region: s.region, partition: s.partition, urlSuffix: suffix(s.partition) })));
    expect(found).toEqual([]);
  });

  test('no IAM action that does not exist', async () => {
    const actions = [...new Set(stacksOf().flatMap((s) => iamActionsOf(s.template)))];
    expect(actions.length).toBeGreaterThan(20);
    expect(await unknownIamActions(actions)).toEqual([]);
  });
});

describe('residency preflight on the synthesized assemblies', () => {
  const checklist = (profile: string) => preflight(readAssemblyStacks(assemblyDirs[profile]));
  const items = (profile: string) => checklist(profile).stacks.flatMap((s) => s.items.map((i) => ({ stack: s.stack, ...i })));

  test('default profile: the one blocker is the unconfigured account of the other partition; the secret to fill is listed', () => {
    const report = checklist('default');
    expect(items('default').filter((i) => i.severity === 'blocker').map((i) => `${i.stack} ${i.check}: ${i.message}`)).toEqual([
      'paydata-home accounts: the landing bucket of ap-southeast-1 is in another partition and its account is not configured: the home stack cannot name it, and delivery refuses to push',
    ]);
    expect(report.blockers).toBe(1);
    expect(items('default')).toContainEqual(expect.objectContaining({ stack: 'paydata-home', check: 'secrets', severity: 'action', message: expect.stringMatching(/not-provisioned template: fill it before the first delivery and before its first rotation, 30 days/) }));
    // Every resource type and feature of the home stack was found in the table, with its China source.
    const passed = report.stacks.find((s) => s.stack === 'paydata-home')!.passed.map((p) => p.message);
    expect(passed).toEqual(expect.arrayContaining([expect.stringMatching(/^arm64 Lambda is offered in cn-north-1 \(https:\/\/docs\.amazonaws\.cn\//), expect.stringMatching(/^CloudTrail DynamoDB data events is offered in cn-north-1/), expect.stringMatching(/^Lambda runtime nodejs24.x is offered in cn-north-1/)]));
  });

  test('sg-home profile: no blocker; the same-account assumption of replication is an action', () => {
    expect(checklist('sg-home').blockers).toBe(0);
    expect(items('sg-home').filter((i) => i.check === 'global-names').map((i) => i.message)).toEqual([
      expect.stringMatching(/replicates to paydata-landing-<AWS::AccountId>-eu-west-1 of stack paydata-dest-eu-west-1: the same bucket only if both stacks deploy to one account/),
      expect.stringMatching(/replicates to paydata-landing-<AWS::AccountId>-us-east-1/),
    ]);
  });
});

