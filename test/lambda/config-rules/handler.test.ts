import { ConfigServiceClient, GetResourceConfigHistoryCommand, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConfigRuleEvent } from '../../../lambda/config-rules/run-rule';
import { readConfigRuleEnvironment } from '../../../lambda/config-rules/environment';
import { DESTINATION, HOME, item, POLICY } from './support';

const config = mockClient(ConfigServiceClient);
let handler: (event: ConfigRuleEvent) => Promise<void>;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.RESIDENCY_POLICY = JSON.stringify(POLICY);
  process.env.BUCKET_REGIONS = JSON.stringify({ 'paydata-landing': DESTINATION });
  process.env.ACCESS_LOG_TARGETS = JSON.stringify(['paydata-access-logs']);
  ({ handler } = await import('../../../lambda/config-rules/handler'));
});

beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

/** A change notification as Config sends it to a custom Lambda rule. */
function changeEvent(judgement: string, configurationItem: unknown, extra: Partial<ConfigRuleEvent> = {}): ConfigRuleEvent {
  return {
    invokingEvent: JSON.stringify({ messageType: 'ConfigurationItemChangeNotification', configurationItem, notificationCreationTime: '2026-06-01T10:00:05.000Z' }),
    ruleParameters: JSON.stringify({ judgement }),
    resultToken: 'token-1',
    configRuleName: `paydata-home-${judgement}`,
    ...extra,
  };
}

function reported() {
  return config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
}

describe('AWS Config custom rule handler', () => {
  test('a log group kept within the ceiling is reported COMPLIANT with the result token', async () => {
    await handler(changeEvent('LogRetentionCeiling', item('AWS::Logs::LogGroup', { resourceId: 'gateway-logs', configuration: { retentionInDays: 30 } })));
    expect(reported()).toEqual([
      {
        ResultToken: 'token-1',
        Evaluations: [
          { ComplianceResourceType: 'AWS::Logs::LogGroup', ComplianceResourceId: 'gateway-logs', ComplianceType: 'COMPLIANT', Annotation: undefined, OrderingTimestamp: new Date('2026-06-01T10:00:00.000Z') },
        ],
      },
    ]);
  });

  test('a log group someone set to never expire is NON_COMPLIANT, with the rule named in the annotation', async () => {
    await handler(changeEvent('LogRetentionCeiling', item('AWS::Logs::LogGroup', { resourceId: 'gateway-logs', configuration: {} })));
    const [evaluation] = reported()[0].Evaluations ?? [];
    expect(evaluation).toMatchObject({ ComplianceType: 'NON_COMPLIANT', Annotation: expect.stringContaining('CrossBorder-LogRetentionCeiling') });
    expect(evaluation.Annotation!.length).toBeLessThanOrEqual(256);
  });

  test('a replication rule added by hand to a C2 bucket is NON_COMPLIANT for both residency twins', async () => {
    const replicated = item('AWS::S3::Bucket', {
      resourceId: 'paydata-c2',
      tags: { 'data-class': 'C2' },
      // Config may deliver a supplementary configuration as JSON text.
      supplementaryConfiguration: {
        BucketReplicationConfiguration: JSON.stringify({ roleARN: 'r', rules: { copy: { destinationConfig: { bucketARN: 'arn:aws-cn:s3:::paydata-landing' }, status: 'Enabled' } } }),
      },
    });
    await handler(changeEvent('RestrictedDataStaysHome', replicated));
    await handler(changeEvent('ReplicaRegionAllowed', { ...replicated, supplementaryConfiguration: { BucketReplicationConfiguration: { rules: [{ destination: { bucket: 'arn:aws-cn:s3:::not-ours' }, status: 'Enabled' }] } } }));
    expect(reported().map((r) => r.Evaluations?.[0].ComplianceType)).toEqual(['NON_COMPLIANT', 'NON_COMPLIANT']);
  });

  test('an oversized notification is judged on the item fetched from the configuration history', async () => {
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          resourceType: 'AWS::IAM::Role',
          resourceId: 'AROAOPERATOR',
          resourceName: 'operator',
          awsRegion: 'global',
          configurationItemStatus: 'OK',
          configurationItemCaptureTime: new Date('2026-06-01T09:00:00Z'),
          configuration: JSON.stringify({ assumeRolePolicyDocument: encodeURIComponent(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws-cn:iam::111111111111:root' } }] })) }),
        },
      ],
    });
    await handler({
      invokingEvent: JSON.stringify({ messageType: 'OversizedConfigurationItemChangeNotification', configurationItemSummary: { resourceType: 'AWS::IAM::Role', resourceId: 'AROAOPERATOR' } }),
      ruleParameters: JSON.stringify({ judgement: 'HumanRoleRequiresMfa' }),
      resultToken: 'token-2',
    });
    expect(config.commandCalls(GetResourceConfigHistoryCommand)[0].args[0].input).toMatchObject({ resourceType: 'AWS::IAM::Role', resourceId: 'AROAOPERATOR', limit: 1 });
    expect(reported()[0].Evaluations?.[0]).toMatchObject({ ComplianceResourceId: 'AROAOPERATOR', ComplianceType: 'NON_COMPLIANT' });
  });

  test('a deleted resource, a resource that left the scope and an AWS managed key are NOT_APPLICABLE', async () => {
    await handler(changeEvent('DataStoreCustomerManagedKey', item('AWS::SQS::Queue', { configurationItemStatus: 'ResourceDeleted' })));
    await handler(changeEvent('DataClassTagged', item('AWS::SQS::Queue'), { eventLeftScope: true }));
    await handler(changeEvent('DataClassTagged', item('AWS::KMS::Key', { configuration: { keyManager: 'AWS' } })));
    expect(reported().map((r) => r.Evaluations?.[0].ComplianceType)).toEqual(['NOT_APPLICABLE', 'NOT_APPLICABLE', 'NOT_APPLICABLE']);
  });

  test('an unknown judgement or a malformed event fails the invocation and reports nothing', async () => {
    await expect(handler(changeEvent('AlwaysCompliant', item('AWS::SQS::Queue')))).rejects.toThrow(/judgement "AlwaysCompliant" is not one of/);
    await expect(handler({ invokingEvent: 'not json', resultToken: 't', ruleParameters: JSON.stringify({ judgement: 'DataClassTagged' }) })).rejects.toThrow(/invokingEvent is not a JSON object/);
    await expect(handler({ ...changeEvent('DataClassTagged', item('AWS::SQS::Queue')), ruleParameters: '{}' })).rejects.toThrow(/"judgement" is missing/);
    expect(reported()).toEqual([]);
  });

  test('evaluations Config refuses fail the invocation (it is retried, then dead-lettered)', async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [{ ComplianceResourceType: 'AWS::SQS::Queue', ComplianceResourceId: 'q', ComplianceType: 'COMPLIANT', OrderingTimestamp: new Date() }] });
    await expect(handler(changeEvent('DataClassTagged', item('AWS::SQS::Queue', { tags: { 'data-class': 'C1' } })))).rejects.toThrow(/refused 1 evaluation/);
  });
});

describe('custom rule environment', () => {
  const valid = { RESIDENCY_POLICY: JSON.stringify(POLICY), BUCKET_REGIONS: '{}', ACCESS_LOG_TARGETS: '[]' };

  test('reads the residency policy the pack checks with', () => {
    expect(readConfigRuleEnvironment(valid).policy).toEqual({ homeRegion: HOME, allowedRegions: POLICY.allowedRegions, maxLogRetentionDays: 90 });
  });

  test('refuses to start on a missing or invalid setting, naming each', () => {
    expect(() => readConfigRuleEnvironment({ ...valid, RESIDENCY_POLICY: undefined })).toThrow(/missing RESIDENCY_POLICY/);
    expect(() => readConfigRuleEnvironment({ ...valid, RESIDENCY_POLICY: JSON.stringify({ allowedRegions: ['cn-north-9'], maxLogRetentionDays: 0 }) })).toThrow(
      /allowedRegions: got \["cn-north-9"\][\s\S]*maxLogRetentionDays: got 0/,
    );
    expect(() => readConfigRuleEnvironment({ ...valid, BUCKET_REGIONS: JSON.stringify({ b: 'moon-1' }) })).toThrow(/BUCKET_REGIONS/);
  });
});
