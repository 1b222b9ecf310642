import { AccountRootPrincipal, AnyPrincipal, ArnPrincipal, CfnRole, Role, ServicePrincipal, User } from 'aws-cdk-lib/aws-iam';
import { flaggedBy, homeStack } from '../support/nag-fixtures';

const withMfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

describe('CrossBorder-HumanRoleRequiresMfa', () => {
  test('flags roles people can assume without MFA', () => {
    const { app, stack } = homeStack();
    new Role(stack, 'AccountRoot', { assumedBy: new AccountRootPrincipal() });
    new Role(stack, 'ByUser', { assumedBy: new ArnPrincipal(new User(stack, 'Alice').userArn) });
    new Role(stack, 'Anyone', { assumedBy: new AnyPrincipal() });
    new Role(stack, 'IfExists', {
      assumedBy: new AccountRootPrincipal().withConditions({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } }),
    });
    expect(flaggedBy(app, 'HumanRoleRequiresMfa').sort()).toEqual([
      'Home/AccountRoot/Resource',
      'Home/Anyone/Resource',
      'Home/ByUser/Resource',
      'Home/IfExists/Resource',
    ]);
  });

  test('passes MFA-conditioned human roles, and leaves service and role-chained roles alone', () => {
    const { app, stack } = homeStack();
    new Role(stack, 'Operators', { assumedBy: new AccountRootPrincipal().withConditions(withMfa) });
    new CfnRole(stack, 'BooleanMfa', {
      assumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '111111111111' }, Condition: { Bool: { 'aws:MultiFactorAuthPresent': true } } }],
      },
    });
    const worker = new Role(stack, 'Worker', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    new Role(stack, 'Chained', { assumedBy: new ArnPrincipal(worker.roleArn) });
    expect(flaggedBy(app, 'HumanRoleRequiresMfa')).toEqual([]);
  });
});
