import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ClassifiedBucket } from '../../lib/constructs/classified-bucket';
import { DataPlaneFunction } from '../../lib/constructs/data-plane-function';
import { DeclarationLedger } from '../../lib/constructs/declaration-ledger';
import { KeyHierarchy } from '../../lib/constructs/key-hierarchy';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { SubjectRights } from '../../lib/constructs/subject-rights';
import { ruleWith } from '../lambda/core/support';

const stack = new Stack(new App(), 'Home', { env: { account: '111122223333', region: 'cn-north-1' } });
const keys = new KeyHierarchy(stack, 'Keys', { residency: 'cn-north-1' });
const logs = new s3.Bucket(stack, 'AccessLogs');
const bucket = (id: string, dataClass: 'C1' | 'C2') => new ClassifiedBucket(stack, id, { dataClass, encryptionKey: keys.keyFor(dataClass), residency: 'cn-north-1', accessLogsBucket: logs });
const c1 = bucket('C1Store', 'C1');
const c2 = bucket('C2Store', 'C2');
const network = new PrivateNetwork(stack, 'Network', { flowLogsBucket: logs, logsKey: new kms.Key(stack, 'NetworkLogsKey'), logRetentionDays: 30, residency: 'cn-north-1' });
const envKey = new kms.Key(stack, 'EnvKey');
const gateway = new DataPlaneFunction(stack, 'Gateway', {
  entry: 'lambda/gateway/handler.ts',
  description: 'gateway',
  environmentKey: envKey,
  logsKey: keys.logsKey,
  logRetentionDays: 30,
  residency: 'cn-north-1',
});
new SubjectRights(stack, 'Subjects', {
  keys,
  listStore: c1,
  homeStores: [c2, c1],
  gateway,
  ledger: new DeclarationLedger(stack, 'Ledger', { encryptionKey: keys.auditKey, residency: 'cn-north-1', jurisdiction: 'CN', accessLogsBucket: logs, retentionDays: 365 }),
  outbound: bucket('Outbound', 'C1'),
  outboundPrefix: 'outbound/',
  rules: [ruleWith({})],
  environmentKey: envKey,
  network,
  logRetentionDays: 30,
  residency: 'cn-north-1',
});
const template = Template.fromStack(stack);

describe('SubjectRights', () => {
  test('a new version of the suppression list reaches the subject-requests function through EventBridge', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: ['subjects/suppression-list.json'] } } },
    });
  });

  test('the gateway is told where the list is, and may read only that folder of the C1 store', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'gateway',
      Environment: { Variables: Match.objectLike({ SUPPRESSION_BUCKET: { Ref: Match.stringLikeRegexp('C1Store') }, SUPPRESSION_KEY: 'subjects/suppression-list.json' }) },
    });
  });

  test('the function runs in the private network with reserved concurrency 1, and may delete record versions only under raw/', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('suppression-list changes'),
      ReservedConcurrentExecutions: 1,
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
    });
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } } }).Properties.PolicyDocument.Statement,
    );
    const deletes = statements.filter((s) => s.Action === 's3:DeleteObjectVersion');
    expect(deletes).toHaveLength(2);
    for (const d of deletes) expect(JSON.stringify(d.Resource)).toMatch(/"\/raw\/\*"\]\]\}$/);
  });
});
