import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/**
 * Least-privilege grants with explicit actions (no `s3:GetObject*`, `kms:GenerateDataKey*`
 * wildcards as CDK's grant helpers emit), limited to an object prefix, and with key use
 * conditioned on the service that holds the data (`kms:ViaService`): a principal allowed to
 * decrypt objects of a bucket cannot use the same key permission outside S3.
 */
/** Services that use a key on a caller's behalf, as named in `kms:ViaService`. */
export type KeyUsingService = 's3' | 'dynamodb' | 'secretsmanager' | 'sns';

function viaService(scope: IConstruct, service: KeyUsingService): Record<string, Record<string, string>> {
  const stack = Stack.of(scope);
  return { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.${stack.urlSuffix}` } };
}

function keyStatement(scope: IConstruct, key: kms.IKey | undefined, actions: string[], service: KeyUsingService): iam.PolicyStatement[] {
  if (!key) return [];
  return [new iam.PolicyStatement({ actions, resources: [key.keyArn], conditions: viaService(scope, service) })];
}

/** Use a key, but only through the service that holds the data in this region (never directly). */
export function grantKeyUseThrough(grantee: iam.IGrantable, key: kms.IKey, actions: string[], service: KeyUsingService): void {
  addAll(grantee, keyStatement(key, key, actions, service));
}

function addAll(grantee: iam.IGrantable, statements: iam.PolicyStatement[]): void {
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
}

/** Read object versions under a prefix, decrypting through S3 only. */
export function grantObjectRead(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): void {
  addAll(grantee, [
    new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    ...keyStatement(bucket, bucket.encryptionKey, ['kms:Decrypt'], 's3'),
  ]);
}

/** Create objects under a prefix, encrypting through S3 only (Decrypt is needed to complete multipart uploads). */
export function grantObjectWrite(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): void {
  addAll(grantee, [
    new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    ...keyStatement(bucket, bucket.encryptionKey, ['kms:GenerateDataKey', 'kms:Decrypt'], 's3'),
  ]);
}

/** List the keys under a prefix (the backfill map enumerates objects). */
export function grantPrefixList(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): void {
  addAll(grantee, [
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
  ]);
}

const ITEM_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const ITEM_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** Read and write items of a table, using its key through DynamoDB only. */
export function grantItemReadWrite(grantee: iam.IGrantable, table: dynamodb.ITable): void {
  addAll(grantee, [
    new iam.PolicyStatement({ actions: [...ITEM_READ, ...ITEM_WRITE, 'dynamodb:DescribeTable'], resources: [table.tableArn] }),
    ...keyStatement(table, table.encryptionKey, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], 'dynamodb'),
  ]);
}
