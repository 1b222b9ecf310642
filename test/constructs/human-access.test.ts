import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessAnalyzers } from '../../lib/constructs/access-analyzers';
import { HumanAccess, type HumanAccessProps } from '../../lib/constructs/human-access';
import {
  AUDITOR_PERMISSIONS,
  BREAK_GLASS_PERMISSIONS,
  HUMAN_ACTION_CEILING,
  HumanPermissions,
  type HumanResources,
  KEY_ADMINISTRATOR_PERMISSIONS,
  OPERATOR_PERMISSIONS,
} from '../../lib/constructs/human-permissions';
import { keyAdministratorActions, keyDataActions } from '../../lib/vocabulary/kms-duties';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Principal?: { AWS: unknown }; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, unknown> };

const IDENTITY_ACCOUNT = '444455556666';
const RESOURCES: HumanResources = {
  keyArns: ['arn:aws-cn:kms:cn-north-1:111122223333:key/c2', 'arn:aws-cn:kms:cn-north-1:111122223333:key/audit'],
  bucketArns: ['arn:aws-cn:s3:::c2-store'],
  tableArns: ['arn:aws-cn:dynamodb:cn-north-1:111122223333:table/c2'],
  trailArn: 'arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/audit',
  trailLogGroupArn: 'arn:aws-cn:logs:cn-north-1:111122223333:log-group:trail',
  alarmArns: ['arn:aws-cn:cloudwatch:cn-north-1:111122223333:alarm:paydata-RootUsage'],
  analyzerArns: ['arn:aws-cn:access-analyzer:cn-north-1:111122223333:analyzer/paydata-external-access'],
};

function build(props: Partial<HumanAccessProps> = {}, resources: HumanResources = RESOURCES) {
  const stack = new Stack(new App(), 'HumanTest', { env: { account: '111122223333', region: 'cn-north-1' } });
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: ['*'] })] });
  const access = new HumanAccess(stack, 'HumanAccess', { permissionsBoundary: boundary, roleNamePrefix: 'paydata', ...props });
  const permissions = new HumanPermissions(stack, 'HumanPermissions', { access, resources });
  const template = Template.fromStack(stack);
  const all = template.toJSON().Resources as Record<string, Resource>;
  const roleId = (role: iam.Role) => stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const policyStatements = (policy: iam.ManagedPolicy) =>
    ((all[stack.getLogicalId(policy.node.defaultChild as iam.CfnManagedPolicy)].Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return { stack, access, permissions, template, all, boundary, roleId, policyStatements };
}

const built = build({ trustedAccountIds: ['111122223333', IDENTITY_ACCOUNT] });
const actionsOf = (s: Statement) => [s.Action].flat();

describe('HumanAccess', () => {
  const humanRoles = Object.values(built.all).filter((r) => r.Type === 'AWS::IAM::Role');

  test('four roles: operator, auditor, key administrator, break-glass, named for people to switch to', () => {
    expect(humanRoles.map((r) => r.Properties.RoleName).sort()).toEqual(['paydata-auditor', 'paydata-break-glass', 'paydata-key-administrator', 'paydata-operator']);
  });

  test('every trust statement requires MFA no older than an hour', () => {
    for (const role of humanRoles) {
      const statements = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } });
      }
    }
  });

  test('sessions last at most one hour and the boundary applies to every role', () => {
    const boundaryRef = { Ref: built.stack.getLogicalId(built.boundary.node.defaultChild as iam.CfnManagedPolicy) };
    for (const role of humanRoles) {
      expect(role.Properties.MaxSessionDuration).toBe(3600);
      expect(role.Properties.PermissionsBoundary).toEqual(boundaryRef);
    }
  });

  test('the identity account is trusted for daily roles; break-glass trusts only its own account', () => {
    const trusted = (role: iam.Role) =>
      JSON.stringify((built.all[built.roleId(role)].Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement.map((s) => s.Principal));
    for (const role of [built.access.operator, built.access.auditor, built.access.keyAdministrator]) {
      expect(trusted(role)).toContain(`:iam::${IDENTITY_ACCOUNT}:root`);
    }
    expect(trusted(built.access.breakGlass)).not.toContain(IDENTITY_ACCOUNT);
    expect(trusted(built.access.breakGlass)).toContain(':iam::111122223333:root');
  });

  test.each([0, 59, 7200, 1.5])('refuses an MFA age of %d seconds', (seconds) => {
    expect(() => build({ mfaMaxAgeSeconds: seconds })).toThrow(new RegExp(`mfaMaxAgeSeconds: got ${seconds}; expected a whole number of seconds from 60 to 3600`));
  });

  test('refuses a role-name prefix IAM would not accept', () => {
    expect(() => build({ roleNamePrefix: 'has spaces' })).toThrow(/roleNamePrefix: got "has spaces"/);
    expect(() => build({ roleNamePrefix: 'x'.repeat(47) })).toThrow(/expected 1-46 letters/);
  });

  test('a shorter MFA age reaches every trust statement', () => {
    const { all } = build({ mfaMaxAgeSeconds: 900 });
    const ages = Object.values(all)
      .filter((r) => r.Type === 'AWS::IAM::Role')
      .flatMap((r) => (r.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement.map((s) => JSON.stringify(s.Condition)));
    expect(new Set(ages)).toEqual(new Set([JSON.stringify({ Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': 900 } })]));
  });
});

describe('HumanPermissions', () => {
  const { permissions, access, policyStatements, all, stack } = built;
  const everyStatement = [permissions.operatorPolicy, permissions.auditorPolicy, permissions.keyAdministratorPolicy, permissions.breakGlassPolicy].flatMap(policyStatements);

  test('customer-managed policies only: no inline policy anywhere', () => {
    expect(Object.values(all).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
    for (const role of Object.values(all).filter((r) => r.Type === 'AWS::IAM::Role')) expect(role.Properties.Policies).toBeUndefined();
  });

  test('no action wildcards at all, so no service-wide ones', () => {
    expect(everyStatement.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
  });

  test('statements on "*" hold only list, describe and read actions', () => {
    const onAnything = everyStatement.filter((s) => s.Resource === '*').flatMap(actionsOf);
    expect(onAnything.length).toBeGreaterThan(0);
    for (const action of onAnything) expect(action).toMatch(/^[\w-]+:(List|Describe|Get|Lookup|GenerateCredentialReport)/);
  });

  test('no human reads raw records: no object or item reads, no cryptographic use of any key', () => {
    const recordReads = /^(s3:GetObject|dynamodb:(GetItem|BatchGetItem|Query|Scan|ExportTableToPointInTime|PartiQLSelect)|backup:StartRestoreJob)/;
    const granted = everyStatement.flatMap(actionsOf);
    expect(granted.filter((a) => recordReads.test(a))).toEqual([]);
    expect(granted.filter((a) => (keyDataActions() as readonly string[]).includes(a))).toEqual([]);
  });

  test('the key administrator administers the keys and nothing else', () => {
    const statements = policyStatements(permissions.keyAdministratorPolicy);
    expect(statements.find((s) => s.Sid === 'AdministerKeys')).toEqual({ Sid: 'AdministerKeys', Effect: 'Allow', Action: keyAdministratorActions(), Resource: RESOURCES.keyArns });
    expect(statements.flatMap(actionsOf).every((a) => a.startsWith('kms:'))).toBe(true);
  });

  test('break-glass restores controls, on top of the operator view, and can stop or delete nothing', () => {
    const attached = (policy: iam.ManagedPolicy) => all[stack.getLogicalId(policy.node.defaultChild as iam.CfnManagedPolicy)].Properties.Roles;
    const breakGlassRef = { Ref: stack.getLogicalId(access.breakGlass.node.defaultChild as iam.CfnRole) };
    expect(attached(permissions.operatorPolicy)).toContainEqual(breakGlassRef);
    expect(attached(permissions.breakGlassPolicy)).toEqual([breakGlassRef]);
    const actions = policyStatements(permissions.breakGlassPolicy).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['cloudtrail:StartLogging', 'cloudwatch:EnableAlarmActions', 'kms:EnableKey', 'kms:CancelKeyDeletion']));
    expect(actions.filter((a) => /:(Stop|Delete|Disable|Schedule|Put(Bucket)?Policy|Untag)/.test(a))).toEqual([]);
  });

  test('the auditor reads the trail, its events and the access reviews, scoped to their ARNs', () => {
    const statements = policyStatements(permissions.auditorPolicy);
    expect(statements.find((s) => s.Sid === 'ReadTrailConfiguration')?.Resource).toBe(RESOURCES.trailArn);
    expect(statements.find((s) => s.Sid === 'ReadTrailEvents')?.Resource).toBe(RESOURCES.trailLogGroupArn);
    expect(statements.find((s) => s.Sid === 'ReadAccessReviews')?.Resource).toBe(RESOURCES.analyzerArns[0]);
  });

  test('every granted action is inside the boundary ceiling', () => {
    const ceiling = new Set(HUMAN_ACTION_CEILING);
    const outside = [OPERATOR_PERMISSIONS, AUDITOR_PERMISSIONS, KEY_ADMINISTRATOR_PERMISSIONS, BREAK_GLASS_PERMISSIONS]
      .flatMap((set) => set.flatMap((s) => s.actions))
      .concat(everyStatement.flatMap(actionsOf))
      .filter((a) => !ceiling.has(a));
    expect(outside).toEqual([]);
  });

  test('an empty scope grants nothing rather than falling back to "*"', () => {
    const { permissions: p, policyStatements: statementsOf } = build({}, { ...RESOURCES, tableArns: [] });
    const sids = statementsOf(p.operatorPolicy).map((s) => s.Sid);
    expect(sids).not.toContain('DescribeTables');
    expect(sids).toContain('DescribeBuckets');
  });
});

describe('AccessAnalyzers', () => {
  function analyzers(props: { unusedAccess?: boolean; unusedAccessAgeDays?: number }) {
    const stack = new Stack(new App(), 'AnalyzerTest');
    const construct = new AccessAnalyzers(stack, 'AccessAnalyzers', { analyzerNamePrefix: 'paydata', ...props });
    return { construct, template: Template.fromStack(stack) };
  }

  test('an external-access analyzer for the account, and an unused-access analyzer for the periodic review', () => {
    const { template, construct } = analyzers({});
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { AnalyzerName: 'paydata-external-access', Type: 'ACCOUNT' });
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', {
      AnalyzerName: 'paydata-unused-access',
      Type: 'ACCOUNT_UNUSED_ACCESS',
      AnalyzerConfiguration: { UnusedAccessConfiguration: { UnusedAccessAge: 90 } },
    });
    expect(construct.analyzerArns).toHaveLength(2);
  });

  test('only the external-access analyzer where the partition does not offer unused access', () => {
    const { template, construct } = analyzers({ unusedAccess: false });
    template.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 1);
    expect(construct.unusedAccess).toBeUndefined();
  });

  test.each([0, 366])('refuses an unused-access age of %d days', (days) => {
    expect(() => analyzers({ unusedAccessAgeDays: days })).toThrow(new RegExp(`unusedAccessAgeDays: got ${days}; expected a whole number of days from 1 to 365`));
  });
});
