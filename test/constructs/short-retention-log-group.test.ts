import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { retentionFromDays, ShortRetentionLogGroup } from '../../lib/constructs/short-retention-log-group';

describe('ShortRetentionLogGroup', () => {
  test('explicit short retention, encrypted with the logs key, tagged', () => {
    const stack = new Stack(new App(), 'Logs');
    const key = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
    new ShortRetentionLogGroup(stack, 'Group', { encryptionKey: key, retentionDays: 30, residency: 'cn-north-1' });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 30,
      KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
      Tags: [
        { Key: 'data-class', Value: 'logs' },
        { Key: 'residency', Value: 'cn-north-1' },
      ],
    });
  });

  test.each([0, 45, 120, 365])('refuses %d days', (days) => {
    expect(() => retentionFromDays(days)).toThrow(new RegExp(`got ${days} days; expected one of 1, 3, 5, 7, 14, 30, 60, 90`));
  });
});
