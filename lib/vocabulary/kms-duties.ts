/**
 * KMS actions sorted by duty: what administers a key, what uses it for data, what only reads its
 * configuration, and what manages grants. One list each, read by the key policies the constructs
 * write (administrators get the administrative duty and are denied the data duty) and by the
 * key-separation check rule. Free of CDK.
 */

/** Actions that change a key's configuration or lifecycle without touching data. */
export const KMS_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DeleteImportedKeyMaterial',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:ImportKeyMaterial',
  'kms:PutKeyPolicy',
  'kms:ReplicateKey',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
  'kms:UpdatePrimaryRegion',
] as const;

/** Cryptographic use of a key: what administrators must never be able to do. */
export const KMS_USAGE_ACTIONS = [
  'kms:Decrypt',
  'kms:DeriveSharedSecret',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateMac',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:Sign',
  'kms:Verify',
  'kms:VerifyMac',
] as const;

/** Reading a key's configuration: neither duty (both need it). */
export const KMS_READ_ACTIONS = ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListGrants', 'kms:ListResourceTags'] as const;

/**
 * Grant management. Creating a grant is a side door to the data duty (an administrator could grant
 * itself Decrypt); revoking one only takes a permission away.
 */
export const KMS_GRANT_CREATE_ACTION = 'kms:CreateGrant';
export const KMS_GRANT_REVOKE_ACTION = 'kms:RevokeGrant';

export type KmsAction =
  | (typeof KMS_ADMIN_ACTIONS)[number]
  | (typeof KMS_USAGE_ACTIONS)[number]
  | (typeof KMS_READ_ACTIONS)[number]
  | typeof KMS_GRANT_CREATE_ACTION
  | typeof KMS_GRANT_REVOKE_ACTION;

/** What key administrators are allowed: the administrative duty, reading configuration, revoking grants. */
export function keyAdministratorActions(): KmsAction[] {
  const actions: KmsAction[] = [...KMS_ADMIN_ACTIONS, ...KMS_READ_ACTIONS, KMS_GRANT_REVOKE_ACTION];
  return actions.sort();
}

/** What key administrators are explicitly denied: every data use, and creating grants (a way to it). */
export function keyDataActions(): KmsAction[] {
  const actions: KmsAction[] = [...KMS_USAGE_ACTIONS, KMS_GRANT_CREATE_ACTION];
  return actions.sort();
}

/** CloudFormation types whose `KeyPolicy` the key-policy rules read. */
export const KEY_POLICY_TYPES: readonly string[] = ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'];
