import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { KEY_DELETION_WINDOW_DAYS } from '../../lambda/core/custom-key-store';

/**
 * This project's secure defaults as small pure functions, merged the way aws-solutions-constructs'
 * `consolidateProps(defaults, userProps, overrides)` does: our defaults, then what the caller chose,
 * then what the construct insists on. aws-cdk-lib's own defaults are not secure (rotation off,
 * enforceSSL off), so every store and key starts from these.
 */

/**
 * Merges props: `defaults`, then every defined value of `userProps`, then every defined value of
 * `overrides`. An `undefined` never erases a default (an unset optional prop keeps the secure value).
 */
export function consolidateProps<T extends object>(defaults: T, userProps: Partial<T> = {}, overrides: Partial<T> = {}): T {
  const merged: T = { ...defaults };
  for (const layer of [userProps, overrides]) {
    for (const [name, value] of Object.entries(layer) as [keyof T, T[keyof T] | undefined][]) {
      if (value !== undefined) merged[name] = value;
    }
  }
  return merged;
}

/**
 * The bucket baseline every store shares: all public access blocked, TLS 1.2+ only, versioned,
 * ACLs disabled, kept when the stack is deleted. Encryption is chosen per store (a class key, or
 * SSE-S3 where S3 requires it).
 */
export function defaultBucketProps(): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/** A bucket encrypted with a customer-managed key (SSE-KMS), with S3 Bucket Keys unless told otherwise. */
export function kmsEncryptedBucketProps(encryptionKey: kms.IKey): s3.BucketProps {
  return { encryption: s3.BucketEncryption.KMS, encryptionKey, bucketKeyEnabled: true };
}

/**
 * The symmetric key baseline: automatic rotation, the longest deletion window KMS allows
 * (`KEY_DELETION_WINDOW_DAYS`, shared with the CloudHSM key store's deletion guard), kept when the
 * stack is deleted (data encrypted under a deleted key is lost).
 */
export function defaultKeyProps(): kms.KeyProps {
  return {
    enableKeyRotation: true,
    pendingWindow: Duration.days(KEY_DELETION_WINDOW_DAYS),
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/**
 * The HMAC key baseline: as `defaultKeyProps` without rotation, which KMS does not support for HMAC
 * keys (and tokens must stay stable anyway: a rotated token key would break joins across batches).
 */
export function defaultHmacKeyProps(): kms.KeyProps {
  const { enableKeyRotation: _notForHmac, ...baseline } = defaultKeyProps();
  return { ...baseline, keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC };
}
