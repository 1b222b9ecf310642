import { iamActionsOf, impliedDependencyFindings } from '../../lib/preflight/template-checks';
import { unknownIamActions } from '../support/iam-actions';

describe('template checks', () => {
  test('an explicit DependsOn on a resource the properties already reference is found (cfn-lint W3005)', () => {
    const template = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role' },
        Policy: { Type: 'AWS::IAM::ManagedPolicy' },
        Fn: { Type: 'AWS::Lambda::Function', DependsOn: ['Policy', 'Role'], Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
        Sub: { Type: 'AWS::SNS::Topic', DependsOn: 'Role', Properties: { DisplayName: { 'Fn::Sub': '${Role.Arn}' } } },
      },
    };
    expect(impliedDependencyFindings(template).map((f) => `${f.logicalId} -> ${f.message}`)).toEqual([
      'Fn -> DependsOn Role is already implied by a reference to it',
      'Sub -> DependsOn Role is already implied by a reference to it',
    ]);
  });

  test('IAM actions are read from every policy document, and the *V2 Access Analyzer names are not IAM actions', async () => {
    const template = {
      Resources: {
        P: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['access-analyzer:GetFindingV2', 'access-analyzer:GetFinding', 'kms:GenerateDataKey*'] }] } },
        },
        K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Deny', NotAction: 'access-analyzer:ListFindingsV2' }] } } },
      },
    };
    const actions = iamActionsOf(template);
    expect(actions).toEqual(['access-analyzer:GetFinding', 'access-analyzer:GetFindingV2', 'access-analyzer:ListFindingsV2', 'kms:GenerateDataKey*']);
    expect(await unknownIamActions(actions)).toEqual(['access-analyzer:GetFindingV2', 'access-analyzer:ListFindingsV2']);
    expect(await unknownIamActions(['nosuchservice:Get', 's3:GetObject', 'kms:NoSuch*'])).toEqual(['nosuchservice:Get', 'kms:NoSuch*']);
  });
});
