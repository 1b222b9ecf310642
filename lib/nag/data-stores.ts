import type { CfnResource } from 'aws-cdk-lib';
import { appResources, findBucket, isJsonObject, render } from './cfn-view';

/** Resource types that hold data and so need a class and a customer-managed key. */
export const DATA_STORE_TYPES: readonly string[] = [
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Logs::LogGroup',
];

/** Resource types that are keys: classified like the data they protect. */
export const KEY_TYPES: readonly string[] = ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'];

/**
 * Whether a bucket receives S3 server access logs: it is the `LoggingConfiguration.DestinationBucketName`
 * of a bucket in the app (by reference within the stack, or by literal name anywhere). S3 delivers
 * access logs only to SSE-S3 buckets, so recognising the target by its role, not by a tag anyone could
 * set, keeps the exemption from the customer-managed-key rule as narrow as S3 forces it to be.
 */
export function isAccessLogTarget(bucket: CfnResource): boolean {
  return appResources(bucket).some((other) => {
    if (other === bucket || other.cfnResourceType !== 'AWS::S3::Bucket') return false;
    const logging = render(other).properties.LoggingConfiguration;
    return isJsonObject(logging) && findBucket(other, logging.DestinationBucketName) === bucket;
  });
}
