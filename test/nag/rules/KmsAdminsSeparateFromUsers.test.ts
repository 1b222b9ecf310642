import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { flaggedBy, homeStack } from '../support/nag-fixtures';

describe('CrossBorder-KmsAdminsSeparateFromUsers', () => {
  test('flags a principal holding admin and data actions, even across statements and through wildcards', () => {
    const { app, stack } = homeStack();
    const ops = new Role(stack, 'Ops', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const split = new Key(stack, 'Split');
    split.addToResourcePolicy(new PolicyStatement({ actions: ['kms:Put*'], principals: [ops], resources: ['*'] }));
    split.addToResourcePolicy(new PolicyStatement({ actions: ['kms:Decrypt'], principals: [ops], resources: ['*'] }));
    new Key(stack, 'Everything').addToResourcePolicy(new PolicyStatement({ actions: ['kms:*'], principals: [ops], resources: ['*'] }));
    expect(flaggedBy(app, 'KmsAdminsSeparateFromUsers').sort()).toEqual(['Home/Everything/Resource', 'Home/Split/Resource']);
  });

  test('passes separate administrators and users, and the root delegation', () => {
    const { app, stack } = homeStack();
    const admin = new Role(stack, 'KeyAdmin', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const user = new Role(stack, 'KeyUser', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const key = new Key(stack, 'Separated');
    key.addToResourcePolicy(
      new PolicyStatement({ actions: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:Put*', 'kms:ScheduleKeyDeletion'], principals: [admin], resources: ['*'] }),
    );
    key.addToResourcePolicy(new PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'], principals: [user], resources: ['*'] }));
    expect(flaggedBy(app, 'KmsAdminsSeparateFromUsers')).toEqual([]);
  });
});
