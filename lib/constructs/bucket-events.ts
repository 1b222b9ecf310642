import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Sends the bucket's object events to EventBridge (what changed in a store is observable, and the
 * gateway reacts to new raw records). Set on the L1 resource: the L2 `eventBridgeEnabled` flag
 * deploys a notifications custom resource (a Lambda function with an inline policy) just to set
 * this one property, which CloudFormation sets directly.
 */
export function sendEventsToEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
    eventBridgeConfiguration: { eventBridgeEnabled: true },
  };
}
