import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { serviceControlPolicyFor, writeServiceControlPolicy } from '../../lib/compliance/service-control-policy';
import { keyDataActions } from '../../lib/vocabulary/kms-duties';
import {
  guardrailRegions,
  REGIONLESS_ACTIONS,
  RegionGuardrail,
  regionGuardrailStatements,
  SCP_MAX_CHARACTERS,
  serviceControlPolicy,
} from '../../lib/constructs/region-guardrail';
import { shippedConfig } from '../support/app-fixture';

type Statement = { Sid: string; Effect: string; Action?: string | string[]; NotAction?: string[]; Resource: string; Condition?: Record<string, Record<string, unknown>> };

describe('guardrailRegions', () => {
  test.each([
    ['cn-north-1', ['ap-southeast-1'], ['cn-north-1']],
    ['cn-north-1', ['cn-northwest-1', 'ap-southeast-1'], ['cn-north-1', 'cn-northwest-1']],
    ['ap-southeast-1', ['eu-west-1', 'us-east-1'], ['ap-southeast-1', 'eu-west-1', 'us-east-1']],
    ['ap-southeast-1', ['cn-north-1'], ['ap-southeast-1']],
  ])('home %s with destinations %j allows %j (same partition only)', (home, destinations, allowed) => {
    expect(guardrailRegions(home, destinations)).toEqual({ homeRegion: home, allowedRegions: allowed });
  });
});

describe('regionGuardrailStatements', () => {
  const [outside, kms] = regionGuardrailStatements({ homeRegion: 'ap-southeast-1', allowedRegions: ['ap-southeast-1', 'eu-west-1'] });

  test('denies every request outside the allowed regions, regionless services aside', () => {
    expect(outside).toEqual({
      Sid: 'DenyOutsideAllowedRegions',
      Effect: 'Deny',
      NotAction: [...REGIONLESS_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['ap-southeast-1', 'eu-west-1'] } },
    });
  });

  test('unlike Control Tower, does not exempt KMS from the region deny', () => {
    expect(REGIONLESS_ACTIONS.filter((action) => action.startsWith('kms:'))).toEqual([]);
  });

  test('denies direct KMS use outside the home region, even in an allowed destination', () => {
    expect(kms).toEqual({
      Sid: 'DenyDirectKmsUseOutsideHomeRegion',
      Effect: 'Deny',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['ap-southeast-1'] }, Bool: { 'aws:ViaAWSService': 'false' } },
    });
  });

  test('refuses an allowed set without the home region', () => {
    expect(() => regionGuardrailStatements({ homeRegion: 'cn-north-1', allowedRegions: ['cn-northwest-1'] })).toThrow(/must include the home region cn-north-1/);
  });
});

describe('service control policy', () => {
  test.each(['default', 'sg-home'])('for the %s profile: the region statements, within the SCP size limit', (profile) => {
    const config = shippedConfig(profile);
    const scp = serviceControlPolicyFor(config);
    expect(scp.Version).toBe('2012-10-17');
    expect(scp.Statement).toEqual(regionGuardrailStatements(guardrailRegions(config.homeRegion, config.allowedDestinationRegions)));
    expect(JSON.stringify(scp, null, 2).length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
  });

  test('the China profile allows only China regions (Singapore is another partition and account)', () => {
    const regions = (serviceControlPolicyFor(shippedConfig('default')).Statement[0].Condition!.StringNotEquals['aws:RequestedRegion']);
    expect(regions).toEqual(['cn-north-1']);
  });

  test('is written next to the templates, named for the project, as the document it describes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scp-'));
    try {
      const config = shippedConfig('sg-home');
      const path = writeServiceControlPolicy(dir, config);
      expect(path).toBe(join(dir, 'paydata-region-guardrail.scp.json'));
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(serviceControlPolicyFor(config));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses a document AWS Organizations would reject for size', () => {
    const many = Array.from({ length: 400 }, (_, i) => `region-${i}`);
    expect(() => serviceControlPolicy({ homeRegion: 'region-0', allowedRegions: many })).toThrow(/AWS Organizations accepts at most 5120/);
  });
});

describe('RegionGuardrail (the permissions boundary for people)', () => {
  function boundary(permittedActions: readonly string[] = ['cloudwatch:DescribeAlarms', 'kms:DescribeKey']) {
    const stack = new Stack(new App(), 'GuardrailTest', { env: { region: 'cn-north-1' } });
    new RegionGuardrail(stack, 'RegionGuardrail', { homeRegion: 'cn-north-1', allowedRegions: ['cn-north-1'], permittedActions });
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
    return (Object.values(policies)[0] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;
  }

  test('allows only the ceiling of explicit actions, before any Deny', () => {
    const statements = boundary(['kms:DescribeKey', 'cloudwatch:DescribeAlarms', 'kms:DescribeKey']);
    expect(statements[0]).toEqual({ Sid: 'PermittedActionsCeiling', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'kms:DescribeKey'], Resource: '*' });
    expect(statements.slice(1).map((s) => s.Effect)).toEqual(['Deny', 'Deny', 'Deny', 'Deny']);
  });

  test('carries the region guardrail', () => {
    const statements = boundary();
    for (const expected of regionGuardrailStatements({ homeRegion: 'cn-north-1', allowedRegions: ['cn-north-1'] })) {
      expect(statements).toContainEqual(expected);
    }
  });

  test('denies every cryptographic use of keys tagged C3 or C2, and changing those tags', () => {
    const statements = boundary();
    expect(statements.find((s) => s.Sid === 'DenyUseOfProtectedClassKeys')).toEqual({
      Sid: 'DenyUseOfProtectedClassKeys',
      Effect: 'Deny',
      Action: keyDataActions(),
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/data-class': ['C3', 'C2'] } },
    });
    expect(statements.find((s) => s.Sid === 'DenyChangingClassificationTags')).toMatchObject({
      Effect: 'Deny',
      Action: ['kms:TagResource', 'kms:UntagResource'],
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['data-class', 'residency'] } },
    });
  });

  test('refuses wildcard or missing permitted actions', () => {
    expect(() => boundary(['s3:*', 'kms:Describe*'])).toThrow(/permittedActions: got wildcards s3:\*, kms:Describe\*; expected explicit actions/);
    expect(() => boundary([])).toThrow(/permittedActions: got none/);
  });
});
