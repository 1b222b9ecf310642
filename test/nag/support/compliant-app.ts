import { Duration, Stack, type App } from 'aws-cdk-lib';
import { Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { AttributeType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { CfnTable as CfnGlueTable } from 'aws-cdk-lib/aws-glue';
import { AccountRootPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ACCOUNT, classify, DESTINATION, HOME } from './nag-fixtures';

/** A key per class, its policy the CDK default (account-root delegation only). */
function classKey(scope: Construct, dataClass: string): Key {
  const key = new Key(scope, `${dataClass}Key`, { enableKeyRotation: true });
  classify(key, dataClass);
  return key;
}

/**
 * A small home + destination app that every CrossBorder rule applies to and passes: the shape
 * the real app is meant to have. Used by the pack test and, with all packs registered, by the
 * evidence-report tests.
 */
export function addCompliantStacks(app: App): { home: Stack; destination: Stack } {
  const home = new Stack(app, 'Home', { env: { account: ACCOUNT, region: HOME } });
  const c2Key = classKey(home, 'C2');
  const auditKey = classKey(home, 'audit');
  const logsKey = classKey(home, 'logs');

  const accessLogs = new Bucket(home, 'AccessLogs', { encryption: BucketEncryption.S3_MANAGED, enforceSSL: true });
  classify(accessLogs, 'access-logs');
  const backup = new Bucket(home, 'CardsBackup', { encryption: BucketEncryption.KMS, encryptionKey: c2Key, versioned: true, enforceSSL: true });
  classify(backup, 'C2');
  const cards = new Bucket(home, 'Cards', {
    encryption: BucketEncryption.KMS,
    encryptionKey: c2Key,
    versioned: true,
    enforceSSL: true,
    serverAccessLogsBucket: accessLogs,
    replicationRules: [{ destination: backup, priority: 1 }],
  });
  classify(cards, 'C2');

  const accounts = new Table(home, 'Accounts', {
    partitionKey: { name: 'accountId', type: AttributeType.STRING },
    sortKey: { name: 'panLast4', type: AttributeType.STRING },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: c2Key,
  });
  classify(accounts, 'C2');
  new CfnGlueTable(home, 'Settlements', {
    catalogId: ACCOUNT,
    databaseName: 'payments',
    tableInput: { name: 'settlements', storageDescriptor: { columns: [{ name: 'merchant_id', type: 'string' }, { name: 'amount', type: 'decimal' }] } },
  });

  const outbox = new Queue(home, 'Outbox', { encryption: QueueEncryption.KMS, encryptionMasterKey: logsKey });
  classify(outbox, 'desensitized');
  classify(new Topic(home, 'Alarms', { masterKey: logsKey }), 'logs');
  classify(new LogGroup(home, 'Gateway', { retention: RetentionDays.ONE_MONTH, encryptionKey: logsKey }), 'logs');

  const trailBucket = new Bucket(home, 'AuditRecord', {
    encryption: BucketEncryption.KMS,
    encryptionKey: auditKey,
    versioned: true,
    enforceSSL: true,
    objectLockEnabled: true,
    objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(400)),
  });
  classify(trailBucket, 'audit');
  new Trail(home, 'Trail', { bucket: trailBucket, encryptionKey: auditKey, enableFileValidation: true });

  new Role(home, 'Operators', { assumedBy: new AccountRootPrincipal().withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) });
  const keyAdmin = new Role(home, 'KeyAdmin', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  const keyUser = new Role(home, 'KeyUser', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  c2Key.addToResourcePolicy(new PolicyStatement({ actions: ['kms:Put*', 'kms:ScheduleKeyDeletion'], principals: [keyAdmin], resources: ['*'] }));
  c2Key.addToResourcePolicy(new PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], principals: [keyUser], resources: ['*'] }));

  const destination = new Stack(app, 'Destination', { env: { account: ACCOUNT, region: DESTINATION } });
  const desensitizedKey = classKey(destination, 'desensitized');
  const delivered = new Bucket(destination, 'Delivered', { encryption: BucketEncryption.KMS, encryptionKey: desensitizedKey, enforceSSL: true });
  classify(delivered, 'desensitized');
  return { home, destination };
}
