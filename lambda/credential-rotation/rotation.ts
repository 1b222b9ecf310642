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
import { notProvisionedTemplate, type PartitionCredentials, readCredentials, requireCredentials } from './credentials';

export type { PartitionCredentials } from './credentials';

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

async function versionStages(secrets: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  const described = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (described.RotationEnabled === false) throw new Error(`secret ${secretId} does not have rotation enabled`);
  return described.VersionIdsToStages ?? {};
}

async function secretAt(secrets: SecretsManagerClient, secretId: string, stage: string, versionId?: string) {
  const value = await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
  return readCredentials(value.SecretString, `${secretId} ${stage}`);
}

async function credentialsAt(secrets: SecretsManagerClient, secretId: string, stage: string, versionId?: string): Promise<PartitionCredentials> {
  const value = await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
  return requireCredentials(value.SecretString, `${secretId} ${stage}`);
}

/**
 * What a rotation step did: `rotated` (a step of a real key rotation), `not-provisioned` (the
 * secret still holds the not-provisioned template: the rotation completes without touching any
 * account, so it does not fail before anyone could put credentials in), `skipped` (already done).
 */
export type RotationOutcome = 'rotated' | 'not-provisioned' | 'skipped';

/**
 * One step of the Secrets Manager rotation protocol for an access key of the other partition:
 * create a second key with the current one, test it there, make it current, then delete the old key.
 * IAM allows two keys per user, so a stale non-current key left by an interrupted rotation is removed first.
 */
export async function rotate(event: RotationEvent, secrets: SecretsManagerClient, remote: RemoteClients, destinationRegion: string): Promise<RotationOutcome> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const stages = await versionStages(secrets, secretId);
  if (!(token in stages)) throw new Error(`secret ${secretId} has no version ${token} to rotate`);
  if (stages[token].includes('AWSCURRENT') && event.Step !== 'finishSecret') return 'skipped'; // already rotated

  switch (event.Step) {
    case 'createSecret': {
      try {
        await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
        return 'skipped'; // created by an earlier attempt
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      const currentSecret = await secretAt(secrets, secretId, 'AWSCURRENT');
      if (!currentSecret.provisioned) {
        // Nothing to rotate yet: the pending version is the template again, so the rotation can finish.
        await secrets.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: token,
            SecretString: JSON.stringify(notProvisionedTemplate(destinationRegion)),
            VersionStages: ['AWSPENDING'],
          }),
        );
        return 'not-provisioned';
      }
      const current = currentSecret.credentials;
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
      return 'rotated';
    }
    case 'setSecret': {
      // The key exists in IAM from createSecret: nothing to set on the other side.
      return (await secretAt(secrets, secretId, 'AWSPENDING', token)).provisioned ? 'rotated' : 'not-provisioned';
    }
    case 'testSecret': {
      const pendingSecret = await secretAt(secrets, secretId, 'AWSPENDING', token);
      if (!pendingSecret.provisioned) return 'not-provisioned';
      const pending = pendingSecret.credentials;
      const identity = await remote.sts(pending).send(new GetCallerIdentityCommand({}));
      const arn = identity.Arn ?? '';
      if (!arn.includes(':user/') || !arn.endsWith(`/${pending.userName}`)) {
        throw new Error(`the pending key authenticates as ${identity.Arn}, not as user ${pending.userName}`);
      }
      return 'rotated';
    }
    case 'finishSecret': {
      const currentVersion = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      if (currentVersion === token) return 'skipped';
      const previousSecret = currentVersion ? await secretAt(secrets, secretId, 'AWSCURRENT') : undefined;
      if (previousSecret?.provisioned && !(await secretAt(secrets, secretId, 'AWSPENDING', token)).provisioned) {
        // Credentials were put in while this rotation of the template was under way: keep them
        // current, and drop the pending template so the rotation ends.
        await secrets.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: token }));
        return 'skipped';
      }
      const previous = previousSecret?.provisioned ? previousSecret.credentials : undefined;
      await secrets.send(
        new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: currentVersion }),
      );
      if (previous) {
        const next = await credentialsAt(secrets, secretId, 'AWSCURRENT');
        await remote.iam(next).send(new DeleteAccessKeyCommand({ UserName: previous.userName, AccessKeyId: previous.accessKeyId }));
        return 'rotated';
      }
      return (await secretAt(secrets, secretId, 'AWSCURRENT')).provisioned ? 'rotated' : 'not-provisioned';
    }
  }
}
