import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessLogsBucket } from '../../lib/constructs/access-logs-bucket';
import { ClassifiedBucket } from '../../lib/constructs/classified-bucket';
import { ClassifiedTable } from '../../lib/constructs/classified-table';
import { DeclarationLedger } from '../../lib/constructs/declaration-ledger';
import { grantObjectRead, grantPrefixList } from '../../lib/constructs/grants';

function fixture() {
  const stack = new Stack(new App(), 'GrantsTest', { env: { account: '111122223333', region: 'cn-north-1' } });
  const key = new kms.Key(stack, 'ClassKey', { enableKeyRotation: true });
  const logs = new AccessLogsBucket(stack, 'AccessLogs', { residency: 'cn-north-1' });
  const store = new ClassifiedBucket(stack, 'Store', { dataClass: 'C2', encryptionKey: key, residency: 'cn-north-1', accessLogsBucket: logs.bucket });
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, key, logs, store, role };
}

const resolved = (stack: Stack, statements: readonly iam.PolicyStatement[]) => statements.map((s) => stack.resolve(s.toStatementJson()));

describe('grants return iam.Grant', () => {
  test('a read grant carries the object statement and the key statement, combined', () => {
    const { stack, key, store, role } = fixture();
    const grant = store.grantRead(role, 'raw/');
    expect(grant).toBeInstanceOf(iam.Grant);
    expect(grant.success).toBe(true);
    const statements = resolved(stack, grant.principalStatements);
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow' }),
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Resource: stack.resolve(key.keyArn),
        Condition: { StringEquals: { 'kms:ViaService': stack.resolve(`s3.cn-north-1.${stack.urlSuffix}`) } },
      }),
    ]);
    expect(grant.resourceStatements).toEqual([]);
  });

  test('a write grant carries PutObject and GenerateDataKey/Decrypt on the key', () => {
    const { stack, store, role } = fixture();
    const grant = store.grantWrite(role, 'out/');
    expect(resolved(stack, grant.principalStatements).map((s) => s.Action)).toEqual(['s3:PutObject', ['kms:GenerateDataKey', 'kms:Decrypt']]);
  });

  test('a bucket without a key gets no key statement', () => {
    const { stack, role } = fixture();
    const plain = new s3.Bucket(stack, 'Plain', { enforceSSL: true });
    const grant = grantObjectRead(role, plain, 'x/');
    expect(resolved(stack, grant.principalStatements).map((s) => s.Action)).toEqual([['s3:GetObject', 's3:GetObjectVersion']]);
  });

  test('a grant to a principal that cannot hold a policy reports failure instead of silently doing nothing', () => {
    const { store } = fixture();
    const grant = store.grantRead(new iam.ServicePrincipal('lambda.amazonaws.com'), 'raw/');
    expect(grant.success).toBe(false);
    expect(() => grant.assertSuccess()).toThrow();
  });

  test('the ledger append grant combines the bucket read, bucket write and table grants with their keys', () => {
    const { stack, key, logs, role } = fixture();
    const ledger = new DeclarationLedger(stack, 'Ledger', { encryptionKey: key, residency: 'cn-north-1', jurisdiction: 'CN', accessLogsBucket: logs.bucket, retentionDays: 400 });
    const grant = ledger.grantAppend(role);
    expect(grant.success).toBe(true);
    const actions = resolved(stack, grant.principalStatements).map((s) => s.Action);
    expect(actions).toHaveLength(6);
    expect(actions).toEqual(expect.arrayContaining(['kms:Decrypt', ['kms:GenerateDataKey', 'kms:Decrypt'], ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']]));
  });

  test('a table grant carries the item statement and the DynamoDB-only key statement', () => {
    const { stack, key, role } = fixture();
    const table = new ClassifiedTable(stack, 'Records', { dataClass: 'C2', jurisdiction: 'CN', encryptionKey: key, residency: 'cn-north-1' });
    const statements = resolved(stack, table.grantReadWrite(role).principalStatements);
    expect(statements).toHaveLength(2);
    expect(statements[1]).toMatchObject({ Condition: { StringEquals: { 'kms:ViaService': stack.resolve(`dynamodb.cn-north-1.${stack.urlSuffix}`) } } });
  });

  test('a prefix list grant is scoped to the prefix and can be ordered before a dependent resource', () => {
    const { stack, store, role } = fixture();
    const grant = grantPrefixList(role, store.bucket, 'incidents/');
    expect(resolved(stack, grant.principalStatements)).toEqual([expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['incidents/*'] } } })]);
    const dependent = new s3.CfnBucket(stack, 'Dependent');
    grant.applyBefore(dependent);
    const policyId = stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy);
    expect(Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(dependent)].DependsOn).toEqual(expect.arrayContaining([policyId]));
  });
});
