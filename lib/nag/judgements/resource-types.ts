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

/** The per-region replica of a table that `Table.replicationRegions` creates (a CDK custom resource). */
export const TABLE_REPLICA_TYPE = 'Custom::DynamoDBReplica';
