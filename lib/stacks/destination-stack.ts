import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { ResidencyConfig } from '../config';
import { AccessLogsBucket } from '../constructs/access-logs-bucket';
import { landingBucketName } from '../constructs/bucket-names';
import { ClassifiedBucket } from '../constructs/classified-bucket';
import { RESIDENCY_TAG } from '../vocabulary/data-classes';
import { createCustomerKey } from '../constructs/key-policies';

export interface DestinationStackProps extends StackProps {
  readonly config: ResidencyConfig;
  /** The allowed destination region this stack lives in. */
  readonly destinationRegion: string;
}

/**
 * A small stack in an allowed destination region: the landing bucket for desensitized transfers and
 * its own key. Only desensitized data (JR/T 0171 C1 grade: tokens, last-four, masked cards) lands here.
 */
export class DestinationStack extends Stack {
  public readonly landingKey: kms.Key;
  public readonly landing: ClassifiedBucket;

  constructor(scope: Construct, id: string, props: DestinationStackProps) {
    // The stack's own tag is explicit (feature flag @aws-cdk/core:explicitStackTags): Tags.of below
    // tags the resources in the template, not the stack CloudFormation deploys.
    super(scope, id, { ...props, tags: { ...props.tags, [RESIDENCY_TAG]: props.destinationRegion } });
    const { config, destinationRegion } = props;
    if (!config.allowedDestinationRegions.includes(destinationRegion)) {
      throw new Error(
        `DestinationStack: region "${destinationRegion}" is not in allowedDestinationRegions (${config.allowedDestinationRegions.join(', ')})`,
      );
    }
    Tags.of(this).add(RESIDENCY_TAG, destinationRegion);

    this.landingKey = createCustomerKey(this, 'LandingKey', {
      description: 'Desensitized transfers received from the home region',
      dataClass: 'C1',
      residency: destinationRegion,
      alias: `alias/${config.projectName}/landing`,
    });

    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', {
      residency: destinationRegion,
      expireAfterDays: config.logRetentionDays,
    });
    this.landing = new ClassifiedBucket(this, 'Landing', {
      dataClass: 'C1',
      encryptionKey: this.landingKey,
      residency: destinationRegion,
      accessLogsBucket: accessLogs.bucket,
      accessLogsPrefix: 'landing/',
      bucketName: landingBucketName(config, destinationRegion),
    });
  }
}
