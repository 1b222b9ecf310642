/**
 * The KMS and Secrets Manager calls of the CloudHSM key store custom resource. Every decision is in
 * lambda/core/custom-key-store.ts; this module performs it and reports what KMS said.
 */
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  type CustomKeyStoresListEntry,
  CustomKeyStoreType,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisconnectCustomKeyStoreCommand,
  type KMSClient,
  KeySpec,
  KeyUsageType,
  ListResourceTagsCommand,
  OriginType,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  connectionFailureMessage,
  connectionTimeoutMessage,
  type CurrentKey,
  KEY_DELETION_WINDOW_DAYS,
  KEY_GENERATION_TAG,
  KEY_STORE_PASSWORD_LENGTH,
  type KeyStoreResourceProperties,
  nextConnectionStep,
  type UpdatePlan,
} from '../core/custom-key-store';

export interface KeyStoreDeps {
  readonly kms: KMSClient;
  readonly secrets: SecretsManagerClient;
  readonly logger: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Time between two DescribeCustomKeyStores calls while the store connects. */
  readonly pollIntervalMs: number;
}

/** What the custom resource returns for its key (Fn::GetAtt attributes). */
export interface KeyAttributes {
  readonly KeyArn: string;
  readonly KeyId: string;
  readonly CustomKeyStoreId: string;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

async function findStoreByName(deps: KeyStoreDeps, name: string): Promise<CustomKeyStoresListEntry | undefined> {
  try {
    const found = await deps.kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: name }));
    return found.CustomKeyStores?.[0];
  } catch (err) {
    if (errorName(err) === 'CustomKeyStoreNotFoundException') return undefined;
    throw err;
  }
}

async function describeStore(deps: KeyStoreDeps, id: string): Promise<CustomKeyStoresListEntry> {
  const found = await deps.kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }));
  const store = found.CustomKeyStores?.[0];
  if (!store) throw new Error(`custom key store ${id} is gone (DescribeCustomKeyStores returned nothing)`);
  return store;
}

/** Reads the kmsuser password. Neither the value nor its length is ever logged or put in an error. */
async function readPassword(deps: KeyStoreDeps, secretId: string): Promise<string> {
  const secret = await deps.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  const password = secret.SecretString;
  if (password === undefined || password.length < KEY_STORE_PASSWORD_LENGTH.min || password.length > KEY_STORE_PASSWORD_LENGTH.max) {
    throw new Error(
      `secret ${secretId} must hold the kmsuser password as a plain SecretString of ` +
        `${KEY_STORE_PASSWORD_LENGTH.min}-${KEY_STORE_PASSWORD_LENGTH.max} characters`,
    );
  }
  return password;
}

/**
 * Returns the key store of this name, creating it if there is none. A store of the same name left by
 * an earlier, failed attempt is reused (idempotent Create); one bound to another cluster is refused.
 */
export async function ensureKeyStore(deps: KeyStoreDeps, props: KeyStoreResourceProperties): Promise<CustomKeyStoresListEntry> {
  const name = props.CustomKeyStoreName;
  const existing = await findStoreByName(deps, name);
  if (existing) {
    if (existing.CloudHsmClusterId !== props.CloudHsmClusterId) {
      throw new Error(
        `custom key store "${name}" (${existing.CustomKeyStoreId}) belongs to cluster ${existing.CloudHsmClusterId}, ` +
          `not ${props.CloudHsmClusterId}: give the key store of the new cluster another keyStoreName`,
      );
    }
    deps.logger.info('reusing the existing custom key store', { customKeyStoreId: existing.CustomKeyStoreId, state: existing.ConnectionState });
    return existing;
  }
  const password = await readPassword(deps, props.KeyStorePasswordSecretId);
  try {
    const created = await deps.kms.send(
      new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: name,
        CustomKeyStoreType: CustomKeyStoreType.AWS_CLOUDHSM,
        CloudHsmClusterId: props.CloudHsmClusterId,
        TrustAnchorCertificate: props.TrustAnchorCertificate,
        KeyStorePassword: password,
      }),
    );
    deps.logger.info('created the custom key store', { customKeyStoreId: created.CustomKeyStoreId });
    return await describeStore(deps, created.CustomKeyStoreId ?? '');
  } catch (err) {
    if (errorName(err) === 'CloudHsmClusterInUseException') {
      throw new Error(
        `cluster ${props.CloudHsmClusterId} already backs another custom key store: a cluster serves one store; ` +
          `set keyStoreName to that store's name to use it (KMS said: ${(err as Error).message})`,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * Brings the store to CONNECTED, polling DescribeCustomKeyStores until `deadline` (epoch ms).
 * Throws a message naming the ConnectionErrorCode on failure, or the state reached on timeout.
 */
export async function connectKeyStore(deps: KeyStoreDeps, storeId: string, deadline: number): Promise<void> {
  const started = deps.now();
  let progress = { connectRequested: false, resetDone: false };
  for (;;) {
    const store = await describeStore(deps, storeId);
    const step = nextConnectionStep(store.ConnectionState, progress);
    deps.logger.info('custom key store state', { customKeyStoreId: storeId, state: store.ConnectionState, step });
    if (step === 'ready') return;
    if (step === 'fail') {
      throw new Error(connectionFailureMessage({ id: storeId, name: store.CustomKeyStoreName ?? '', errorCode: store.ConnectionErrorCode }));
    }
    if (step === 'connect') {
      await deps.kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
      progress = { ...progress, connectRequested: true };
    } else if (step === 'disconnect') {
      deps.logger.warn('resetting a FAILED custom key store before connecting it', { errorCode: store.ConnectionErrorCode });
      await deps.kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
      progress = { connectRequested: false, resetDone: true };
    }
    if (deps.now() + deps.pollIntervalMs > deadline) {
      throw new Error(
        connectionTimeoutMessage({
          id: storeId,
          name: store.CustomKeyStoreName ?? '',
          state: store.ConnectionState,
          waitedSeconds: Math.round((deps.now() - started) / 1000),
        }),
      );
    }
    await deps.sleep(deps.pollIntervalMs);
  }
}

/** A new role in the key policy can take seconds to become visible to KMS (IAM eventual consistency). */
const CREATE_KEY_ATTEMPTS = 5;
const CREATE_KEY_BACKOFF_MS = 5_000;

/** Creates the SYMMETRIC_DEFAULT key in the connected store, with its policy and tags. */
export async function createKeyInStore(
  deps: KeyStoreDeps,
  props: KeyStoreResourceProperties,
  storeId: string,
  deadline: number,
): Promise<KeyAttributes> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const created = await deps.kms.send(
        new CreateKeyCommand({
          Origin: OriginType.AWS_CLOUDHSM,
          CustomKeyStoreId: storeId,
          KeySpec: KeySpec.SYMMETRIC_DEFAULT,
          KeyUsage: KeyUsageType.ENCRYPT_DECRYPT,
          Description: props.KeyDescription,
          Policy: JSON.stringify(props.KeyPolicy),
          Tags: [...props.Tags, { TagKey: KEY_GENERATION_TAG, TagValue: props.KeyGeneration }],
        }),
      );
      const key = created.KeyMetadata;
      if (!key?.Arn || !key.KeyId) throw new Error('CreateKey returned no key metadata');
      deps.logger.info('created the key in the custom key store', { keyId: key.KeyId, customKeyStoreId: storeId });
      return { KeyArn: key.Arn, KeyId: key.KeyId, CustomKeyStoreId: storeId };
    } catch (err) {
      const retry = errorName(err) === 'MalformedPolicyDocumentException' && attempt < CREATE_KEY_ATTEMPTS;
      const wait = CREATE_KEY_BACKOFF_MS * attempt;
      if (!retry || deps.now() + wait > deadline) throw err;
      deps.logger.warn('key policy refused, waiting for IAM to propagate its principals', { attempt });
      await deps.sleep(wait);
    }
  }
}

/** The attributes of an existing key, as KMS reports them. */
export async function describeKeyAttributes(deps: KeyStoreDeps, keyId: string): Promise<KeyAttributes> {
  const { KeyMetadata: key } = await deps.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
  if (!key?.Arn || !key.KeyId) throw new Error(`key ${keyId}: DescribeKey returned no metadata`);
  return { KeyArn: key.Arn, KeyId: key.KeyId, CustomKeyStoreId: key.CustomKeyStoreId ?? '' };
}

/** The cluster behind a key's store and the key's generation tag: what an Update is decided on. */
export async function describeCurrentKey(deps: KeyStoreDeps, keyId: string): Promise<CurrentKey> {
  const { CustomKeyStoreId: storeId } = await describeKeyAttributes(deps, keyId);
  if (!storeId) throw new Error(`key ${keyId} is not in a custom key store`);
  const store = await describeStore(deps, storeId);
  const { Tags: tags } = await deps.kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
  return {
    clusterId: store.CloudHsmClusterId ?? '',
    generation: tags?.find((t) => t.TagKey === KEY_GENERATION_TAG)?.TagValue ?? '1',
  };
}

/** Applies an in-place update plan; reports (never applies) what needs a disconnected store. */
export async function updateKey(deps: KeyStoreDeps, keyId: string, plan: Extract<UpdatePlan, { kind: 'in-place' }>): Promise<void> {
  if (plan.description !== undefined) {
    await deps.kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: plan.description }));
  }
  if (plan.policy !== undefined) {
    await deps.kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: plan.policy }));
  }
  if (plan.tagsToSet.length > 0) {
    await deps.kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [...plan.tagsToSet] }));
  }
  if (plan.tagKeysToRemove.length > 0) {
    await deps.kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: [...plan.tagKeysToRemove] }));
  }
  for (const change of plan.notApplied) deps.logger.warn('change not applied', { change });
}

/**
 * Schedules the key's deletion with the longest waiting period. The key store stays CONNECTED: KMS
 * deletes the key material from the HSMs at the end of the waiting period only if it can reach them,
 * and a store that still holds a key (even one pending deletion) cannot be deleted anyway.
 */
export async function scheduleKeyDeletion(deps: KeyStoreDeps, keyId: string): Promise<void> {
  try {
    const { KeyMetadata: key } = await deps.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    if (key?.KeyState === 'PendingDeletion') {
      deps.logger.info('key already pending deletion', { keyId, deletionDate: key.DeletionDate?.toISOString() });
      return;
    }
  } catch (err) {
    if (errorName(err) === 'NotFoundException') {
      deps.logger.info('key already gone', { keyId });
      return;
    }
    throw err;
  }
  const scheduled = await deps.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: KEY_DELETION_WINDOW_DAYS }));
  deps.logger.warn('key scheduled for deletion; its key store stays connected', {
    keyId,
    deletionDate: scheduled.DeletionDate?.toISOString(),
  });
}
