import { Aws } from 'aws-cdk-lib';
import { partitionOf } from '../../lambda/core/regions';
import type { ResidencyConfig } from '../config';

/**
 * The landing bucket's name in a destination region. It is addressed from the home stack before it
 * exists (replication target, push target), so both stacks must derive the same name:
 * - with the destination account configured, the name carries it;
 * - same partition, unconfigured: the same account is assumed (`AWS::AccountId` in both stacks);
 * - across partitions, unconfigured: the home stack cannot know the other partition's account, so
 *   the name carries project and region only (set `accounts.destinations` to make it unique).
 */
export function landingBucketName(config: ResidencyConfig, region: string): string {
  const samePartition = partitionOf(region) === partitionOf(config.homeRegion);
  const account = config.accounts.destinations?.[region] ?? (samePartition ? config.accounts.home : undefined);
  if (account) return `${config.projectName}-landing-${account}-${region}`;
  return samePartition ? `${config.projectName}-landing-${Aws.ACCOUNT_ID}-${region}` : `${config.projectName}-landing-${region}`;
}

/** The outbound bucket's name: fixed so replication and notification settings can name it without a cycle. */
export function outboundBucketName(config: ResidencyConfig): string {
  return `${config.projectName}-outbound-${Aws.ACCOUNT_ID}-${config.homeRegion}`;
}

/** ARN of a bucket by name, in the partition of the stack that uses it. */
export function bucketArnOf(name: string): string {
  return `arn:${Aws.PARTITION}:s3:::${name}`;
}
