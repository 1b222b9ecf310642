import type { CfnResource } from 'aws-cdk-lib';
import { appResources, findBucket, isJsonObject, render } from './cfn-view';

export { DATA_STORE_TYPES, KEY_TYPES } from './judgements/resource-types';

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
