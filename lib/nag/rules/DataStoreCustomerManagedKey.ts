import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from '../cdk-nag-core';
import { asArray, isCustomerManagedKeyReference, isJsonObject, isTrue, render, type JsonObject } from '../cfn-view';
import { DATA_STORE_TYPES, isAccessLogTarget } from '../data-stores';
import { namedAfterFile, type NagRule } from '../nag-rule';

/**
 * A data store encrypts with a customer-managed KMS key: not SSE-S3, not an AWS owned key, not an
 * AWS managed `alias/aws/...` key. The one exception is the S3 server-access-log target, which S3
 * requires to use SSE-S3 (it must still be encrypted, with SSE-S3 or a customer key).
 */
export default function DataStoreCustomerManagedKey(): NagRule {
  return namedAfterFile(__filename, (node) => {
    if (!DATA_STORE_TYPES.includes(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    return usesCustomerManagedKey(node) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}

function usesCustomerManagedKey(node: CfnResource): boolean {
  const props = render(node).properties;
  switch (node.cfnResourceType) {
    case 'AWS::S3::Bucket':
      return bucketEncryptedWithCustomerKey(props) || (isAccessLogTarget(node) && bucketEncryptedWithS3Key(props));
    case 'AWS::DynamoDB::Table': {
      const sse = props.SSESpecification;
      return isJsonObject(sse) && isTrue(sse.SSEEnabled) && isCustomerManagedKeyReference(sse.KMSMasterKeyId);
    }
    case 'AWS::DynamoDB::GlobalTable': {
      const sse = props.SSESpecification;
      const replicas = asArray(props.Replicas).filter(isJsonObject);
      return (
        isJsonObject(sse) &&
        isTrue(sse.SSEEnabled) &&
        sse.SSEType === 'KMS' &&
        replicas.length > 0 &&
        replicas.every((r) => isJsonObject(r.SSESpecification) && isCustomerManagedKeyReference(r.SSESpecification.KMSMasterKeyId))
      );
    }
    case 'AWS::SQS::Queue':
      return !isTrue(props.SqsManagedSseEnabled) && isCustomerManagedKeyReference(props.KmsMasterKeyId);
    case 'AWS::SNS::Topic':
      return isCustomerManagedKeyReference(props.KmsMasterKeyId);
    case 'AWS::Logs::LogGroup':
      return isCustomerManagedKeyReference(props.KmsKeyId);
    default:
      return false;
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
