import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CloudHsmKeyStore, type CloudHsmKeyStoreProps } from '../../lib/constructs/cloudhsm-key-store';
import { PROVIDER_KEY_ACTIONS } from '../../lib/constructs/cloudhsm-key-store-policies';
import { keyAdministratorActions, keyDataActions } from '../../lib/vocabulary/kms-duties';

const ADMIN = 'arn:aws-cn:iam::111122223333:role/KeyAdmin';

function build(overrides: Partial<CloudHsmKeyStoreProps> = {}, region = 'cn-north-1') {
  // No stack is selected for bundling: these tests read the template, not the bundle.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'HsmTest', { env: { region } });
  const logsKey = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
  const store = new CloudHsmKeyStore(stack, 'C3HsmKeyStore', {
    clusterId: 'cluster-jxhlf7644ne',
    trustAnchorCertificateParameter: '/paydata/cloudhsm/customer-ca',
    keyStorePasswordSecretName: 'paydata/cloudhsm/kmsuser',
    residency: 'cn-north-1',
    logsKey,
    administrators: [new iam.ArnPrincipal(ADMIN)],
    ...overrides,
  });
  return { stack, store, logsKey, template: Template.fromStack(stack) };
}

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
const actionsOf = (s: Statement) => ([] as string[]).concat(s.Action);

describe('CloudHsmKeyStore', () => {
  const built = build();
  const { template } = built;
  const [resourceId, resource] = Object.entries(template.findResources('Custom::CloudHsmKey'))[0] as [
    string,
    { Properties: Record<string, unknown> & { KeyPolicy: { Statement: Statement[] } }; DeletionPolicy: string; UpdateReplacePolicy: string },
  ];
  const policyStatements = (Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0] as { Properties: { PolicyDocument: { Statement: Statement[] } } })
    .Properties.PolicyDocument.Statement;

  test('one custom resource for the cluster: certificate from SSM at deploy time, password only by secret name', () => {
    expect(resource.Properties).toMatchObject({
      CloudHsmClusterId: 'cluster-jxhlf7644ne',
      CustomKeyStoreName: 'HsmTest-c3-cluster-jxhlf7644ne',
      KeyStorePasswordSecretId: 'paydata/cloudhsm/kmsuser',
      KeyGeneration: '1',
      ServiceTimeout: '1200',
      Tags: [
        { TagKey: 'data-class', TagValue: 'C3' },
        { TagKey: 'residency', TagValue: 'cn-north-1' },
      ],
    });
    const certificate = resource.Properties.TrustAnchorCertificate as { Ref: string };
    expect(template.toJSON().Parameters[certificate.Ref]).toEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/paydata/cloudhsm/customer-ca' });
  });

  test('the key is kept when the resource is deleted or replaced', () => {
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  test('key policy: root delegation is the only kms:*; administrators administer only; the provider manages only', () => {
    const statements = resource.Properties.KeyPolicy.Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.filter((s) => actionsOf(s).includes('kms:*')).map((s) => s.Sid)).toEqual(['AccountRootDelegation']);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(actionsOf(bySid.KeyAdministratorsAdministerOnly).sort()).toEqual(keyAdministratorActions().sort());
    expect(bySid.KeyAdministratorsAdministerOnly.Principal).toEqual({ AWS: ADMIN });
    expect(actionsOf(bySid.ProviderManagesThisKey).sort()).toEqual([...PROVIDER_KEY_ACTIONS].sort());
    expect(bySid.ProviderDeletesOnlyWithLongestWindow.Condition).toEqual({
      NumericGreaterThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 30 },
    });
    for (const sid of ['KeyAdministratorsNeverUseForData', 'ProviderNeverUsesForData']) {
      expect(bySid[sid].Effect).toBe('Deny');
      expect(actionsOf(bySid[sid]).sort()).toEqual(keyDataActions().sort());
    }
    expect(bySid.KeyAdministratorsNeverUseForData.Principal).toEqual({ AWS: ADMIN });
    expect(JSON.stringify(bySid.ProviderNeverUsesForData.Principal)).toMatch(/ProviderRole/);
    for (const statement of allows) {
      for (const action of keyDataActions()) expect({ sid: statement.Sid, has: actionsOf(statement).includes(action) }).toEqual({ sid: statement.Sid, has: false });
    }
  });

  test('the provider: current Node.js runtime, one at a time, dead-letter queue, no retries', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      ReservedConcurrentExecutions: 1,
      Timeout: 900,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProviderDeadLetters'), 'Arn'] } },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('ProviderLogs') } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^C3HsmKeyStoreProvider[0-9A-F]{8}$/), 'Arn'] });
  });

  test('traced only where X-Ray integrates with Lambda: not in cn-north-1, and no X-Ray permission there', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { TracingConfig?: { Mode: string } } };
    expect(fn.Properties.TracingConfig?.Mode ?? 'PassThrough').not.toBe('Active');
    expect(policyStatements.flatMap(actionsOf).filter((a) => a.startsWith('xray:'))).toEqual([]);
    const commercial = build({ residency: 'ap-southeast-1' }, 'ap-southeast-1').template;
    commercial.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', TracingConfig: { Mode: 'Active' } });
    commercial.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'WriteTraces', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' })]) },
    });
  });

  test('its log group keeps 30 days, encrypted with the logs key; its dead letters too', () => {
    const logsKeyArn = { 'Fn::GetAtt': [built.stack.getLogicalId(built.logsKey.node.defaultChild as kms.CfnKey), 'Arn'] };
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: logsKeyArn });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: logsKeyArn, Tags: Match.arrayWith([{ Key: 'data-class', Value: 'logs' }]) });
  });

  test('no inline policy and no AWS-managed policy: one customer-managed policy on the role', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0] as { Properties: Record<string, unknown> };
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('ProviderRole') }] });
  });

  test('Resource "*" only for actions without resource-level permissions, each narrowed where IAM allows', () => {
    const withoutResourceLevel = new Set([
      'kms:CreateCustomKeyStore',
      'kms:ConnectCustomKeyStore',
      'kms:DisconnectCustomKeyStore',
      'kms:DescribeCustomKeyStores',
      'cloudhsm:DescribeClusters',
      'kms:CreateKey',
      'kms:TagResource',
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
    ]);
    const wildcard = policyStatements.filter((s) => s.Resource === '*');
    for (const statement of wildcard) for (const action of actionsOf(statement)) expect(withoutResourceLevel).toContain(action);
    const bySid = Object.fromEntries(policyStatements.map((s) => [s.Sid, s]));
    expect(bySid.CreateOnlyCloudHsmKeys.Condition?.StringEquals).toMatchObject({ 'kms:KeyOrigin': 'AWS_CLOUDHSM', 'kms:KeySpec': 'SYMMETRIC_DEFAULT' });
    expect(bySid.TagNewKeysWithTheirClassOnly.Condition?.StringEquals).toEqual({ 'aws:RequestTag/data-class': 'C3' });
    expect(bySid.CustomKeyStoreLifecycle.Condition?.StringEquals).toEqual({ 'aws:RequestedRegion': 'cn-north-1' });
    // No key operation after creation is granted by IAM: the key policy names the provider instead.
    expect(policyStatements.flatMap(actionsOf)).not.toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion']));
    expect(policyStatements.flatMap(actionsOf)).not.toEqual(expect.arrayContaining(['kms:PutKeyPolicy']));
  });

  test('the password secret is the one secret readable, by an ARN built for any partition', () => {
    const secret = policyStatements.find((s) => s.Sid === 'ReadTheKmsuserPassword');
    expect(secret?.Action).toBe('secretsmanager:GetSecretValue');
    expect(secret?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:cn-north-1:', { Ref: 'AWS::AccountId' }, ':secret:paydata/cloudhsm/kmsuser-??????']],
    });
    // The one literal ARN is the administrator this test passes in.
    expect(JSON.stringify(template.toJSON()).replaceAll(ADMIN, '')).not.toMatch(/arn:aws[:-]/);
  });

  test('`key` is the custom resource\'s KeyArn', () => {
    expect(built.stack.resolve(built.store.key.keyArn)).toEqual({ 'Fn::GetAtt': [resourceId, 'KeyArn'] });
    expect(built.stack.resolve(built.store.customKeyStoreId)).toEqual({ 'Fn::GetAtt': [resourceId, 'CustomKeyStoreId'] });
  });
});

describe('CloudHsmKeyStore options', () => {
  test('a new key generation and DESTROY reach the template', () => {
    const { template } = build({ keyGeneration: 2, removalPolicy: RemovalPolicy.DESTROY, keyStoreName: 'c3-store' });
    template.hasResource('Custom::CloudHsmKey', {
      Properties: Match.objectLike({ KeyGeneration: '2', CustomKeyStoreName: 'c3-store' }),
      DeletionPolicy: 'Delete',
    });
  });

  test('every bad prop is named at once, with what was expected', () => {
    expect(() => build({ clusterId: 'cluster-1a23b4cdefg', keyStoreName: 'bad|name', keyGeneration: 0 })).toThrow(
      /clusterId: got "cluster-1a23b4cdefg"; expected a CloudHSM cluster id[\s\S]*keyStoreName: got "bad\|name"[\s\S]*keyGeneration: got 0/,
    );
  });
});
