import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeyHierarchy } from '../../lib/constructs/key-hierarchy';
import { keyDataActions } from '../../lib/vocabulary/kms-duties';

function build(administrators?: iam.IPrincipal[]) {
  const stack = new Stack(new App(), 'KeyTest', { env: { region: 'cn-north-1' } });
  const keys = new KeyHierarchy(stack, 'Keys', { residency: 'cn-north-1', aliasPrefix: 'alias/test', administrators });
  return {
    stack,
    keys,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

type KeyResource = { Properties: { KeyPolicy: { Statement: Array<Record<string, unknown>> }; Tags?: Array<{ Key: string; Value: string }>; KeySpec?: string } };

describe('KeyHierarchy', () => {
  test('one rotating symmetric key per data class, plus audit and logs keys', () => {
    const { template } = build();
    const keys = template.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } });
    const classes = Object.values(keys).map((k) => (k as KeyResource).Properties.Tags?.find((t) => t.Key === 'data-class')?.Value);
    expect(classes.sort()).toEqual(['C1', 'C2', 'C3', 'audit', 'logs']);
  });

  test('an HMAC_256 key for tokens, used only for GenerateMac/VerifyMac', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  });

  test('every key has an alias under the prefix', () => {
    const { template } = build();
    for (const alias of ['c3', 'c2', 'c1', 'audit', 'logs', 'token-hmac']) {
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/test/${alias}` });
    }
  });

  test('every key is tagged data-class and residency', () => {
    const { template } = build();
    for (const key of Object.values(template.findResources('AWS::KMS::Key')) as KeyResource[]) {
      const tags = Object.fromEntries((key.Properties.Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags['residency']).toBe('cn-north-1');
      expect(tags['data-class']).toMatch(/^(C1|C2|C3|audit|logs)$/);
    }
  });

  test('no principal but the account root delegation gets kms:*', () => {
    const { template } = build([new iam.ArnPrincipal('arn:aws-cn:iam::111122223333:role/KeyAdmin')]);
    for (const key of Object.values(template.findResources('AWS::KMS::Key')) as KeyResource[]) {
      for (const statement of key.Properties.KeyPolicy.Statement) {
        const actions = ([] as unknown[]).concat(statement.Action);
        if (actions.includes('kms:*')) {
          expect(JSON.stringify(statement.Principal)).toMatch(/:root/);
        }
      }
    }
  });

  test('administrators administer but are denied every data action (separation of duties)', () => {
    const { template } = build([new iam.ArnPrincipal('arn:aws-cn:iam::111122223333:role/KeyAdmin')]);
    const admin = { AWS: 'arn:aws-cn:iam::111122223333:role/KeyAdmin' };
    const policyShape = {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'KeyAdministratorsAdministerOnly', Effect: 'Allow', Principal: admin, Action: Match.arrayWith(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']) }),
          Match.objectLike({ Sid: 'KeyAdministratorsNeverUseForData', Effect: 'Deny', Principal: admin, Action: Match.anyValue() }),
        ]),
      },
    };
    expect(Object.keys(template.findResources('AWS::KMS::Key', { Properties: policyShape }))).toHaveLength(6);
    const denyStatements = Object.values(template.findResources('AWS::KMS::Key'))
      .flatMap((k) => (k as KeyResource).Properties.KeyPolicy.Statement)
      .filter((s) => s.Sid === 'KeyAdministratorsNeverUseForData');
    for (const statement of denyStatements) expect([...(statement.Action as string[])].sort()).toEqual(keyDataActions().sort());
    // The admin allow-list itself holds no cryptographic action and no CreateGrant.
    const adminStatements = Object.values(template.findResources('AWS::KMS::Key'))
      .flatMap((k) => (k as KeyResource).Properties.KeyPolicy.Statement)
      .filter((s) => s.Sid === 'KeyAdministratorsAdministerOnly');
    for (const statement of adminStatements) {
      for (const action of keyDataActions()) expect(statement.Action).not.toContain(action);
    }
  });

  test('the logs key serves CloudWatch Logs only for this account and region (encryption-context condition)', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchLogsOfThisAccountOnly',
            Principal: { Service: { 'Fn::Join': ['', ['logs.cn-north-1.', { Ref: 'AWS::URLSuffix' }]] } },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:cn-north-1:', { Ref: 'AWS::AccountId' }, ':log-group:*']],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test('keys are retained and wait 30 days before deletion', () => {
    const { template } = build();
    const keys = template.findResources('AWS::KMS::Key');
    for (const key of Object.values(keys) as Array<{ DeletionPolicy: string; Properties: { PendingWindowInDays: number } }>) {
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.PendingWindowInDays).toBe(30);
    }
  });

  test('keyFor names the classes it has when asked for another', () => {
    const stack = new Stack(new App(), 'Partial', { env: { region: 'ap-southeast-1' } });
    const keys = new KeyHierarchy(stack, 'Keys', { residency: 'ap-southeast-1', dataClasses: ['C2'] });
    expect(() => keys.keyFor('C3')).toThrow(/no key for data class C3; it holds C2/);
  });

  test('grants to users carry data actions only', () => {
    const { stack, keys } = build();
    const role = new iam.Role(stack, 'User', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    keys.grantEncryptDecrypt('C2', role);
    keys.grantGenerateToken(role);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const actions = JSON.stringify(Object.values(policies));
    expect(actions).toContain('kms:GenerateMac');
    expect(actions).not.toMatch(/kms:(PutKeyPolicy|ScheduleKeyDeletion|\*)/);
  });
});
