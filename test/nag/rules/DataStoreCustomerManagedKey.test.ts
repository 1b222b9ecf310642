import { AttributeType, Table, TableEncryption, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { flaggedBy, homeStack } from '../support/nag-fixtures';

const partitionKey = { name: 'id', type: AttributeType.STRING };

describe('CrossBorder-DataStoreCustomerManagedKey', () => {
  test('flags stores on SSE-S3, AWS owned or AWS managed keys', () => {
    const { app, stack } = homeStack();
    new Bucket(stack, 'S3Managed', { encryption: BucketEncryption.S3_MANAGED });
    new Bucket(stack, 'AwsManagedKms', { encryption: BucketEncryption.KMS_MANAGED });
    new Table(stack, 'AwsOwned', { partitionKey });
    new TableV2(stack, 'GlobalAwsOwned', { partitionKey });
    new Queue(stack, 'SqsManaged', { encryption: QueueEncryption.SQS_MANAGED });
    new Topic(stack, 'Plain');
    new LogGroup(stack, 'NoKey');
    expect(flaggedBy(app, 'DataStoreCustomerManagedKey').sort()).toEqual([
      'Home/AwsManagedKms/Resource',
      'Home/AwsOwned/Resource',
      'Home/GlobalAwsOwned/Resource',
      'Home/NoKey/Resource',
      'Home/Plain/Resource',
      'Home/S3Managed/Resource',
      'Home/SqsManaged/Resource',
    ]);
  });

  test('passes stores on a customer-managed key, and an SSE-S3 bucket only as an access-log target', () => {
    const { app, stack } = homeStack();
    const key = new Key(stack, 'Key');
    const accessLogs = new Bucket(stack, 'AccessLogs', { encryption: BucketEncryption.S3_MANAGED });
    new Bucket(stack, 'Data', { encryption: BucketEncryption.KMS, encryptionKey: key, serverAccessLogsBucket: accessLogs });
    new Table(stack, 'Table', { partitionKey, encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
    new TableV2(stack, 'Global', { partitionKey, encryption: TableEncryptionV2.customerManagedKey(key) });
    new Queue(stack, 'Queue', { encryption: QueueEncryption.KMS, encryptionMasterKey: key });
    new Topic(stack, 'Topic', { masterKey: key });
    new LogGroup(stack, 'Logs', { encryptionKey: key });
    expect(flaggedBy(app, 'DataStoreCustomerManagedKey')).toEqual([]);
  });
});
