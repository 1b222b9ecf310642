import { Aws, Fn, Stack } from 'aws-cdk-lib';
import { AttributeType, Table, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { CfnReplicaKey } from 'aws-cdk-lib/aws-kms';
import { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ACCOUNT, DESTINATION, flaggedBy, homeStack } from '../support/nag-fixtures';

const partitionKey = { name: 'id', type: AttributeType.STRING };
const keyPolicy = { Version: '2012-10-17', Statement: [] };

function replicatingBucket(scope: Construct, id: string, destinationArn: string): CfnBucket {
  return new CfnBucket(scope, id, {
    versioningConfiguration: { status: 'Enabled' },
    replicationConfiguration: {
      role: Fn.join('', ['arn:', Aws.PARTITION, ':iam::', Aws.ACCOUNT_ID, ':role/replication']),
      rules: [{ status: 'Enabled', destination: { bucket: destinationArn } }],
    },
  });
}

describe('CrossBorder-ReplicaRegionAllowed', () => {
  test('flags replication, replicas and replica keys in regions outside the policy or not shown', () => {
    const { app, stack } = homeStack();
    const frankfurt = new Stack(app, 'Frankfurt', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    new Bucket(frankfurt, 'Target', { bucketName: 'target-in-frankfurt' });
    replicatingBucket(stack, 'ToFrankfurt', Fn.join('', ['arn:', Aws.PARTITION, ':s3:::target-in-frankfurt']));
    replicatingBucket(stack, 'ToImported', Fn.importValue('SomeBucketArn'));
    new TableV2(stack, 'Global', { partitionKey, replicas: [{ region: 'eu-central-1' }] });
    new Table(stack, 'Legacy', { partitionKey, replicationRegions: ['eu-central-1'] });
    new CfnReplicaKey(frankfurt, 'ReplicaKey', { keyPolicy, primaryKeyArn: Fn.importValue('PrimaryKeyArn') });

    expect(flaggedBy(app, 'ReplicaRegionAllowed').sort()).toEqual([
      'Frankfurt/ReplicaKey',
      'Home/Global/Resource',
      'Home/Legacy/Replicaeu-central-1/Default',
      'Home/ToFrankfurt',
      'Home/ToImported',
    ]);
  });

  test('passes replication to the same stack or a named bucket in an allowed region, replicas and replica keys there', () => {
    const { app, stack } = homeStack();
    const target = new Bucket(stack, 'Target', { versioned: true });
    replicatingBucket(stack, 'Source', target.bucketArn);
    new TableV2(stack, 'Global', { partitionKey, replicas: [{ region: DESTINATION }] });
    const destination = new Stack(app, 'Dest', { env: { account: ACCOUNT, region: DESTINATION } });
    new Bucket(destination, 'Target', { bucketName: 'target-in-destination' });
    replicatingBucket(stack, 'ToDestination', Fn.join('', ['arn:', Aws.PARTITION, ':s3:::target-in-destination']));
    new CfnReplicaKey(destination, 'ReplicaKey', { keyPolicy, primaryKeyArn: Fn.importValue('PrimaryKeyArn') });

    expect(flaggedBy(app, 'ReplicaRegionAllowed')).toEqual([]);
  });
});
