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
 *
 * Each returns the `iam.Grant`, as aws-cdk-lib's `BucketGrants.read` does: the data grant
 * combined with the key grant, so callers can `applyBefore(...)` or assert `success`.
 */
/** Services that use a key on a caller's behalf, as named in `kms:ViaService`. */
export type KeyUsingService = 's3' | 'dynamodb' | 'secretsmanager' | 'sns';

function viaService(scope: IConstruct, service: KeyUsingService): Record<string, Record<string, string>> {
  const stack = Stack.of(scope);
  return { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.${stack.urlSuffix}` } };
}

/** The data grant combined with the key grant when the store has a key (an unencrypted store has none). */
function withKeyGrant(dataGrant: iam.Grant, grantee: iam.IGrantable, key: kms.IKey | undefined, actions: string[], service: KeyUsingService): iam.Grant {
  return key ? dataGrant.combine(grantKeyUseThrough(grantee, key, actions, service)) : dataGrant;
}

/** Use a key, but only through the service that holds the data in this region (never directly). */
export function grantKeyUseThrough(grantee: iam.IGrantable, key: kms.IKey, actions: string[], service: KeyUsingService): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [key.keyArn], conditions: viaService(key, service) });
}

/** Read object versions under a prefix, decrypting through S3 only. */
export function grantObjectRead(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): iam.Grant {
  const read = iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject', 's3:GetObjectVersion'], resourceArns: [bucket.arnForObjects(`${prefix}*`)] });
  return withKeyGrant(read, grantee, bucket.encryptionKey, ['kms:Decrypt'], 's3');
}

/** Create objects under a prefix, encrypting through S3 only (Decrypt is needed to complete multipart uploads). */
export function grantObjectWrite(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): iam.Grant {
  const write = iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [bucket.arnForObjects(`${prefix}*`)] });
  return withKeyGrant(write, grantee, bucket.encryptionKey, ['kms:GenerateDataKey', 'kms:Decrypt'], 's3');
}

/** List the keys under a prefix (the backfill map enumerates objects). */
export function grantPrefixList(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
  });
}

const ITEM_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const ITEM_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** Read and write items of a table, using its key through DynamoDB only. */
export function grantItemReadWrite(grantee: iam.IGrantable, table: dynamodb.ITable): iam.Grant {
  const items = iam.Grant.addToPrincipal({ grantee, actions: [...ITEM_READ, ...ITEM_WRITE, 'dynamodb:DescribeTable'], resourceArns: [table.tableArn] });
  return withKeyGrant(items, grantee, table.encryptionKey, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], 'dynamodb');
}
