import { CreateAccessKeyCommand, DeleteAccessKeyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { notProvisionedTemplate } from '../../../lambda/credential-rotation/credentials';
import { iamRegionFor, type RemoteClients, rotate } from '../../../lambda/credential-rotation/rotation';

const secrets = mockClient(SecretsManagerClient);
const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const remote: RemoteClients = { iam: () => new IAMClient({}), sts: () => new STSClient({}) };
const CURRENT = { userName: 'paydata-delivery', accessKeyId: 'AKIAOLD', secretAccessKey: 'old-secret' };
const PENDING = { userName: 'paydata-delivery', accessKeyId: 'AKIANEW', secretAccessKey: 'new-secret' };
const event = (Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret') => ({ Step, SecretId: 'creds', ClientRequestToken: 'v2' });

beforeEach(() => {
  secrets.reset();
  iam.reset();
  sts.reset();
  secrets.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } });
});

describe('credential rotation', () => {
  test('createSecret: removes a stale second key, creates a new one with the current key, stores it as pending', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }));
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify(CURRENT) });
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAOLD' }, { AccessKeyId: 'AKIASTALE' }] });
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: { AccessKeyId: 'AKIANEW', SecretAccessKey: 'new-secret', UserName: 'paydata-delivery', Status: 'Active' } });
    await rotate(event('createSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1');
    expect(iam.commandCalls(DeleteAccessKeyCommand).map((c) => c.args[0].input.AccessKeyId)).toEqual(['AKIASTALE']);
    const put = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input;
    expect(put).toMatchObject({ ClientRequestToken: 'v2', VersionStages: ['AWSPENDING'] });
    expect(JSON.parse(put.SecretString as string)).toEqual(PENDING);
  });

  test('testSecret: the pending key must authenticate as the same IAM user in the other partition', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(PENDING) });
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::444455556666:user/paydata-delivery' });
    await expect(rotate(event('testSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1')).resolves.toBe('rotated');
    sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::444455556666:user/someone-else' });
    await expect(rotate(event('testSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1')).rejects.toThrow(/not as user paydata-delivery/);
  });

  test('finishSecret: makes the new version current, then deletes the old key', async () => {
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify(CURRENT) }).resolves({ SecretString: JSON.stringify(PENDING) });
    await rotate(event('finishSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1');
    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input).toMatchObject({ MoveToVersionId: 'v2', RemoveFromVersionId: 'v1', VersionStage: 'AWSCURRENT' });
    expect(iam.commandCalls(DeleteAccessKeyCommand)[0].args[0].input).toEqual({ UserName: 'paydata-delivery', AccessKeyId: 'AKIAOLD' });
  });

  test('refuses a secret without rotation enabled, and a malformed secret', async () => {
    secrets.on(DescribeSecretCommand).resolves({ RotationEnabled: false, VersionIdsToStages: { v2: ['AWSPENDING'] } });
    await expect(rotate(event('createSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1')).rejects.toThrow(/does not have rotation enabled/);
    secrets.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"accessKeyId":"x"}' });
    await expect(rotate(event('testSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1')).rejects.toThrow(/has no userName/);
  });

  describe('a secret that still holds the not-provisioned template (as the construct creates it)', () => {
    const TEMPLATE = JSON.stringify(notProvisionedTemplate('ap-southeast-1'));

    test('every step of a first rotation completes without touching the other partition', async () => {
      secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: TEMPLATE });
      secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejectsOnce(new ResourceNotFoundException({ message: 'none', $metadata: {} })).resolves({ SecretString: TEMPLATE });
      const client = new SecretsManagerClient({});
      const outcomes = [];
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) outcomes.push(await rotate(event(step), client, remote, 'ap-southeast-1'));
      expect(outcomes).toEqual(['not-provisioned', 'not-provisioned', 'not-provisioned', 'not-provisioned']);
      const put = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input;
      expect(put).toMatchObject({ ClientRequestToken: 'v2', VersionStages: ['AWSPENDING'] });
      expect(JSON.parse(put.SecretString as string)).toMatchObject({ status: 'not-provisioned', accessKeyId: '' });
      expect(secrets.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input).toMatchObject({ VersionStage: 'AWSCURRENT', MoveToVersionId: 'v2' });
      expect(iam.calls()).toHaveLength(0);
      expect(sts.calls()).toHaveLength(0);
    });

    test('credentials put in while that rotation runs stay current; the pending template is dropped', async () => {
      secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify(CURRENT) });
      secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).resolves({ SecretString: TEMPLATE });
      await expect(rotate(event('finishSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1')).resolves.toBe('skipped');
      const updates = secrets.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input);
      expect(updates).toEqual([{ SecretId: 'creds', VersionStage: 'AWSPENDING', RemoveFromVersionId: 'v2' }]);
      expect(iam.calls()).toHaveLength(0);
    });

    test('a random string (what a generated secret holds) is still refused, by name', async () => {
      secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }));
      secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: 'x7#kQ9!zR2' });
      await expect(rotate(event('createSecret'), new SecretsManagerClient({}), remote, 'ap-southeast-1')).rejects.toThrow(/creds AWSCURRENT: the secret is not JSON/);
    });
  });

  test('IAM of the other partition is reached in its own region', () => {
    expect(iamRegionFor('ap-southeast-1')).toBe('us-east-1');
    expect(iamRegionFor('cn-northwest-1')).toBe('cn-north-1');
  });
});
