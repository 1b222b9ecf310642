import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { classify, DESTINATION, flaggedBy, homeStack } from '../support/nag-fixtures';

const partitionKey = { name: 'id', type: AttributeType.STRING };

describe('CrossBorder-DataClassTagged', () => {
  test('flags stores and keys without a data-class tag or with an unknown class', () => {
    const { app, stack } = homeStack();
    new Bucket(stack, 'Untagged');
    classify(new Key(stack, 'Secret'), 'secret');
    const mixed = new TableV2(stack, 'Mixed', { partitionKey, replicas: [{ region: DESTINATION, tags: [{ key: 'data-class', value: 'C1' }] }] });
    classify(mixed, 'C2');
    expect(flaggedBy(app, 'DataClassTagged').sort()).toEqual(['Home/Mixed/Resource', 'Home/Secret/Resource', 'Home/Untagged/Resource']);
  });

  test('passes stores and keys with known classes and ignores other resources', () => {
    const { app, stack } = homeStack();
    classify(new Bucket(stack, 'Cards'), 'C2');
    classify(new Queue(stack, 'Audit'), 'audit');
    classify(new Key(stack, 'TokensKey'), 'C1');
    classify(new TableV2(stack, 'Global', { partitionKey, replicas: [{ region: DESTINATION }] }), 'desensitized');
    new Role(stack, 'Worker', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    expect(flaggedBy(app, 'DataClassTagged')).toEqual([]);
  });
});
