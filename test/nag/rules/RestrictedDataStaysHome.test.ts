import { Aws, Fn, Stack } from 'aws-cdk-lib';
import { AttributeType, Table, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { ACCOUNT, classify, DESTINATION, flaggedBy, homeStack, POLICY } from '../support/nag-fixtures';

const partitionKey = { name: 'id', type: AttributeType.STRING };

describe('CrossBorder-RestrictedDataStaysHome', () => {
  test('flags C2/C3 stores abroad, replicated abroad, and multi-Region C2/C3 keys', () => {
    const { app, stack } = homeStack();
    const destination = new Stack(app, 'Dest', { env: { account: ACCOUNT, region: DESTINATION } });
    classify(new Bucket(destination, 'CardsAbroad'), 'C2');
    new Bucket(destination, 'Landing', { bucketName: 'landing-abroad' });
    const replicated = new CfnBucket(stack, 'Cards', {
      versioningConfiguration: { status: 'Enabled' },
      replicationConfiguration: {
        role: Fn.join('', ['arn:', Aws.PARTITION, ':iam::', Aws.ACCOUNT_ID, ':role/replication']),
        rules: [{ status: 'Enabled', destination: { bucket: Fn.join('', ['arn:', Aws.PARTITION, ':s3:::landing-abroad']) } }],
      },
    });
    classify(replicated, 'C2');
    classify(new TableV2(stack, 'Credentials', { partitionKey, replicas: [{ region: DESTINATION }] }), 'C3');
    classify(new Table(stack, 'Accounts', { partitionKey, replicationRegions: [DESTINATION] }), 'C2');
    classify(new Key(stack, 'AccountsKey', { multiRegion: true }), 'C2');

    expect(flaggedBy(app, 'RestrictedDataStaysHome').sort()).toEqual([
      'Dest/CardsAbroad/Resource',
      'Home/Accounts/Replicaap-southeast-1/Default',
      'Home/AccountsKey/Resource',
      'Home/Cards',
      'Home/Credentials/Resource',
    ]);
  });

  test('passes C2/C3 kept at home, and other classes abroad', () => {
    const { app, stack } = homeStack();
    const target = new Bucket(stack, 'Backup', { versioned: true });
    classify(target, 'C2');
    classify(new Bucket(stack, 'Cards', { versioned: true, replicationRules: [{ destination: target, priority: 1 }] }), 'C2');
    classify(new Key(stack, 'CardsKey'), 'C2');
    const destination = new Stack(app, 'Dest', { env: { account: ACCOUNT, region: DESTINATION } });
    classify(new Bucket(destination, 'Desensitized'), 'desensitized');
    classify(new Key(destination, 'TokensKey', { multiRegion: true }), 'C1');
    // A role carrying a C2 tag (tags flow down from a construct) holds no data itself.
    classify(new Role(destination, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }), 'C2');

    expect(flaggedBy(app, 'RestrictedDataStaysHome')).toEqual([]);
  });

  test('without a home region, no C2/C3 resource can pass', () => {
    const { app, stack } = homeStack();
    classify(new Bucket(stack, 'Cards'), 'C2');
    expect(flaggedBy(app, 'RestrictedDataStaysHome', { allowedRegions: POLICY.allowedRegions })).toEqual(['Home/Cards/Resource']);
  });
});
