import { AccountPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { flaggedBy, homeStack } from '../support/nag-fixtures';

describe('CrossBorder-KmsNoWildcardExceptRoot', () => {
  test('flags kms:* or NotAction granted to anyone but the own account root', () => {
    const { app, stack } = homeStack();
    const role = new Role(stack, 'App', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    new Key(stack, 'ToRole').addToResourcePolicy(new PolicyStatement({ actions: ['kms:*'], principals: [role], resources: ['*'] }));
    new Key(stack, 'NotAction').addToResourcePolicy(new PolicyStatement({ notActions: ['kms:ScheduleKeyDeletion'], principals: [role], resources: ['*'] }));
    new Key(stack, 'OtherAccount').addToResourcePolicy(
      new PolicyStatement({ actions: ['kms:*'], principals: [new AccountPrincipal('222222222222')], resources: ['*'] }),
    );
    expect(flaggedBy(app, 'KmsNoWildcardExceptRoot').sort()).toEqual(['Home/NotAction/Resource', 'Home/OtherAccount/Resource', 'Home/ToRole/Resource']);
  });

  test('passes the default root delegation and specific grants', () => {
    const { app, stack } = homeStack();
    const role = new Role(stack, 'App', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    new Key(stack, 'Default');
    new Key(stack, 'Specific').addToResourcePolicy(new PolicyStatement({ actions: ['kms:Decrypt'], principals: [role], resources: ['*'] }));
    new Key(stack, 'OwnAccountById').addToResourcePolicy(
      new PolicyStatement({ actions: ['kms:*'], principals: [new AccountPrincipal('111111111111')], resources: ['*'] }),
    );
    expect(flaggedBy(app, 'KmsNoWildcardExceptRoot')).toEqual([]);
  });
});
