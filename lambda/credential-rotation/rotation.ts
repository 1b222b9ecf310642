import { CreateAccessKeyCommand, DeleteAccessKeyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { partitionOf } from '../core/regions';

/** What the secret holds: an access key of an IAM user in the destination's partition. */
export interface PartitionCredentials {
  readonly userName: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface RotationEvent {
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

/** Clients of the other partition, built from a set of credentials (injected so tests can fake them). */
export interface RemoteClients {
  iam(credentials: PartitionCredentials): IAMClient;
  sts(credentials: PartitionCredentials): STSClient;
}

/** IAM is a global service per partition, served from one region of it. */
export function iamRegionFor(destinationRegion: string): string {
  return partitionOf(destinationRegion) === 'aws-cn' ? 'cn-north-1' : 'us-east-1';
}

export function remoteClientsFor(destinationRegion: string): RemoteClients {
  const toCredentials = (c: PartitionCredentials) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey });
  return {
    iam: (c) => new IAMClient({ region: iamRegionFor(destinationRegion), credentials: toCredentials(c) }),
    sts: (c) => new STSClient({ region: destinationRegion, credentials: toCredentials(c) }),
  };
}

export function parseCredentials(text: string | undefined, where: string): PartitionCredentials {
  let value: Partial<PartitionCredentials>;
  try {
    value = JSON.parse(text ?? '') as Partial<PartitionCredentials>;
  } catch {
    throw new Error(`${where}: the secret is not JSON`);
  }
  for (const key of ['userName', 'accessKeyId', 'secretAccessKey'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') throw new Error(`${where}: the secret has no ${key}`);
  }
  return value as PartitionCredentials;
}

async function versionStages(secrets: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  const described = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (described.RotationEnabled === false) throw new Error(`secret ${secretId} does not have rotation enabled`);
  return described.VersionIdsToStages ?? {};
}

async function credentialsAt(secrets: SecretsManagerClient, secretId: string, stage: string, versionId?: string): Promise<PartitionCredentials> {
  const value = await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
  return parseCredentials(value.SecretString, `${secretId} ${stage}`);
}

/**
 * One step of the Secrets Manager rotation protocol for an access key of the other partition:
 * create a second key with the current one, test it there, make it current, then delete the old key.
 * IAM allows two keys per user, so a stale non-current key left by an interrupted rotation is removed first.
 */
export async function rotate(event: RotationEvent, secrets: SecretsManagerClient, remote: RemoteClients): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const stages = await versionStages(secrets, secretId);
  if (!(token in stages)) throw new Error(`secret ${secretId} has no version ${token} to rotate`);
  if (stages[token].includes('AWSCURRENT') && event.Step !== 'finishSecret') return; // already rotated

  switch (event.Step) {
    case 'createSecret': {
      try {
        await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
        return; // created by an earlier attempt
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      const current = await credentialsAt(secrets, secretId, 'AWSCURRENT');
      const iam = remote.iam(current);
      const keys = await iam.send(new ListAccessKeysCommand({ UserName: current.userName }));
      for (const stale of (keys.AccessKeyMetadata ?? []).filter((k) => k.AccessKeyId !== current.accessKeyId)) {
        await iam.send(new DeleteAccessKeyCommand({ UserName: current.userName, AccessKeyId: stale.AccessKeyId }));
      }
      const created = await iam.send(new CreateAccessKeyCommand({ UserName: current.userName }));
      if (!created.AccessKey?.AccessKeyId || !created.AccessKey.SecretAccessKey) throw new Error('CreateAccessKey returned no key');
      const pending: PartitionCredentials = {
        userName: current.userName,
        accessKeyId: created.AccessKey.AccessKeyId,
        secretAccessKey: created.AccessKey.SecretAccessKey,
      };
      await secrets.send(
        new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: JSON.stringify(pending), VersionStages: ['AWSPENDING'] }),
      );
      return;
    }
    case 'setSecret':
      return; // the key exists in IAM from createSecret: nothing to set on the other side
    case 'testSecret': {
      const pending = await credentialsAt(secrets, secretId, 'AWSPENDING', token);
      const identity = await remote.sts(pending).send(new GetCallerIdentityCommand({}));
      const arn = identity.Arn ?? '';
      if (!arn.includes(':user/') || !arn.endsWith(`/${pending.userName}`)) {
        throw new Error(`the pending key authenticates as ${identity.Arn}, not as user ${pending.userName}`);
      }
      return;
    }
    case 'finishSecret': {
      const currentVersion = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      if (currentVersion === token) return;
      const previous = currentVersion ? await credentialsAt(secrets, secretId, 'AWSCURRENT') : undefined;
      await secrets.send(
        new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: currentVersion }),
      );
      if (previous) {
        const next = await credentialsAt(secrets, secretId, 'AWSCURRENT');
        await remote.iam(next).send(new DeleteAccessKeyCommand({ UserName: previous.userName, AccessKeyId: previous.accessKeyId }));
      }
      return;
    }
  }
}
