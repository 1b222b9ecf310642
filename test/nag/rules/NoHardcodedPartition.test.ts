import { Aws } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { flaggedBy, homeStack } from '../support/nag-fixtures';

describe('CrossBorder-NoHardcodedPartition', () => {
  test('flags literal partitions in any property', () => {
    const { app, stack } = homeStack();
    new Role(stack, 'Global', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromManagedPolicyArn(stack, 'ReadOnly', 'arn:aws:iam::aws:policy/ReadOnlyAccess')],
    });
    const china = new Role(stack, 'China', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    china.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws-cn:s3:::reports/*'] }));
    expect(flaggedBy(app, 'NoHardcodedPartition').sort()).toEqual(['Home/China/DefaultPolicy/Resource', 'Home/Global/Resource']);
  });

  test('passes ARNs built from the partition pseudo parameter', () => {
    const { app, stack } = homeStack();
    const role = new Role(stack, 'Portable', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
    role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::reports/*`] }));
    expect(flaggedBy(app, 'NoHardcodedPartition')).toEqual([]);
  });
});
