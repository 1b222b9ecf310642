import { DATA_STORE_TYPES } from './resource-types';
import { asArray, isCustomerManagedKeyReference, isJsonObject, isTrue, type JsonObject } from './values';
import { type ResourceProperties, type Verdict, verdictOf } from './verdict';

export interface StoreFacts extends ResourceProperties {
  /** Whether the bucket receives S3 server access logs (S3 delivers them only to SSE-S3 buckets). */
  readonly accessLogTarget: boolean;
}

/**
 * The judgement of `DataStoreCustomerManagedKey`: a data store encrypts with a customer-managed KMS
 * key (not SSE-S3, not an AWS owned key, not an AWS managed `alias/aws/...` key). The S3 access-log
 * target is the one exception S3 forces: it must use SSE-S3.
 */
export function judgeCustomerManagedKey(store: StoreFacts): Verdict {
  if (!DATA_STORE_TYPES.includes(store.type)) return 'NOT_APPLICABLE';
  const props = store.properties;
  switch (store.type) {
    case 'AWS::S3::Bucket':
      return verdictOf(bucketEncryptedWithCustomerKey(props) || (store.accessLogTarget && bucketEncryptedWithS3Key(props)));
    case 'AWS::DynamoDB::Table': {
      const sse = props.SSESpecification;
      return verdictOf(isJsonObject(sse) && isTrue(sse.SSEEnabled) && isCustomerManagedKeyReference(sse.KMSMasterKeyId));
    }
    case 'AWS::DynamoDB::GlobalTable': {
      const sse = props.SSESpecification;
      const replicas = asArray(props.Replicas).filter(isJsonObject);
      return verdictOf(
        isJsonObject(sse) &&
          isTrue(sse.SSEEnabled) &&
          sse.SSEType === 'KMS' &&
          replicas.length > 0 &&
          replicas.every((r) => isJsonObject(r.SSESpecification) && isCustomerManagedKeyReference(r.SSESpecification.KMSMasterKeyId)),
      );
    }
    case 'AWS::SQS::Queue':
      return verdictOf(!isTrue(props.SqsManagedSseEnabled) && isCustomerManagedKeyReference(props.KmsMasterKeyId));
    case 'AWS::SNS::Topic':
      return verdictOf(isCustomerManagedKeyReference(props.KmsMasterKeyId));
    case 'AWS::Logs::LogGroup':
      return verdictOf(isCustomerManagedKeyReference(props.KmsKeyId));
    default:
      return 'NON_COMPLIANT';
  }
}

function encryptionDefaults(props: JsonObject): JsonObject[] {
  const encryption = props.BucketEncryption;
  if (!isJsonObject(encryption)) return [];
  return asArray(encryption.ServerSideEncryptionConfiguration)
    .map((rule) => (isJsonObject(rule) ? rule.ServerSideEncryptionByDefault : undefined))
    .filter(isJsonObject);
}

function bucketEncryptedWithCustomerKey(props: JsonObject): boolean {
  const defaults = encryptionDefaults(props);
  return (
    defaults.length > 0 &&
    defaults.every(
      (d) => (d.SSEAlgorithm === 'aws:kms' || d.SSEAlgorithm === 'aws:kms:dsse') && isCustomerManagedKeyReference(d.KMSMasterKeyID),
    )
  );
}

function bucketEncryptedWithS3Key(props: JsonObject): boolean {
  const defaults = encryptionDefaults(props);
  return defaults.length > 0 && defaults.every((d) => d.SSEAlgorithm === 'AES256');
}
