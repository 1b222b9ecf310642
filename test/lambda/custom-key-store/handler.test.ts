import {
  CloudHsmClusterInUseException,
  ConnectCustomKeyStoreCommand,
  type ConnectionStateType,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  CustomKeyStoreNotFoundException,
  type CustomKeyStoresListEntry,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisconnectCustomKeyStoreCommand,
  KMSClient,
  ListResourceTagsCommand,
  MalformedPolicyDocumentException,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { KeyStoreResourceProperties } from '../../../lambda/core/custom-key-store';
import { createHandler } from '../../../lambda/custom-key-store/handler';

const kms = mockClient(KMSClient);
const secrets = mockClient(SecretsManagerClient);

const PASSWORD = 'kmsuser-Pa55word';
const STORE_NAME = 'paydata-home-c3-cluster-jxhlf7644ne';
const CLUSTER = 'cluster-jxhlf7644ne';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws-cn:kms:cn-north-1:111122223333:key/${KEY_ID}`;
const PROPS: KeyStoreResourceProperties = {
  CustomKeyStoreName: STORE_NAME,
  CloudHsmClusterId: CLUSTER,
  TrustAnchorCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  KeyStorePasswordSecretId: 'paydata/cloudhsm/kmsuser',
  KeyDescription: 'C3 key',
  KeyGeneration: '1',
  KeyPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'AccountRootDelegation', Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
  Tags: [
    { TagKey: 'data-class', TagValue: 'C3' },
    { TagKey: 'residency', TagValue: 'cn-north-1' },
  ],
};

const common = {
  ServiceToken: 'arn:aws-cn:lambda:cn-north-1:111122223333:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/signed?X-Amz-Signature=secret',
  StackId: 'arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/paydata-home/1',
  RequestId: 'req-1',
  LogicalResourceId: 'C3HsmKeyStore',
  ResourceType: 'Custom::CloudHsmKey',
};
const props = (overrides: Partial<KeyStoreResourceProperties> = {}) => ({ ServiceToken: common.ServiceToken, ...PROPS, ...overrides });
const createEvent = (): CloudFormationCustomResourceEvent => ({ ...common, RequestType: 'Create', ResourceProperties: props() });

function store(state: ConnectionStateType, extra: Partial<CustomKeyStoresListEntry> = {}): { CustomKeyStores: CustomKeyStoresListEntry[] } {
  return { CustomKeyStores: [{ CustomKeyStoreId: 'cks-1', CustomKeyStoreName: STORE_NAME, CloudHsmClusterId: CLUSTER, ConnectionState: state, ...extra }] };
}
function notFound() {
  return new CustomKeyStoreNotFoundException({ message: 'not found', $metadata: {} });
}

let sent: Array<{ url: string; body: Record<string, unknown> }>;
let clock: number;
let output: string;

function run(event: CloudFormationCustomResourceEvent, remainingMs = 900_000) {
  const handler = createHandler({
    kms: new KMSClient({ region: 'cn-north-1' }),
    secrets: new SecretsManagerClient({ region: 'cn-north-1' }),
    logger: new Logger({ serviceName: 'test', logLevel: 'DEBUG' }),
    send: async (url, body) => {
      sent.push({ url, body: JSON.parse(body) as Record<string, unknown> });
    },
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    pollIntervalMs: 15_000,
  });
  return handler(event, { getRemainingTimeInMillis: () => remainingMs, logStreamName: 'stream-1' });
}

beforeEach(() => {
  kms.reset();
  secrets.reset();
  sent = [];
  clock = 0;
  output = '';
  // Powertools writes info to stdout and warnings/errors to stderr: capture both.
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += chunk.toString();
      return true;
    });
  }
  secrets.on(GetSecretValueCommand).resolves({ SecretString: PASSWORD });
  kms.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, AWSAccountId: '111122223333' } });
});

afterEach(() => jest.restoreAllMocks());

describe('Create', () => {
  test('creates the store, connects it, waits, creates the key: answers with its id and attributes', async () => {
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreName: STORE_NAME }).rejects(notFound());
    kms.on(CreateCustomKeyStoreCommand).resolves({ CustomKeyStoreId: 'cks-1' });
    kms
      .on(DescribeCustomKeyStoresCommand, { CustomKeyStoreId: 'cks-1' })
      .resolvesOnce(store('DISCONNECTED'))
      .resolvesOnce(store('DISCONNECTED'))
      .resolvesOnce(store('CONNECTING'))
      .resolves(store('CONNECTED'));

    await run(createEvent());

    expect(kms.commandCalls(CreateCustomKeyStoreCommand)[0].args[0].input).toEqual({
      CustomKeyStoreName: STORE_NAME,
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      CloudHsmClusterId: CLUSTER,
      TrustAnchorCertificate: PROPS.TrustAnchorCertificate,
      KeyStorePassword: PASSWORD,
    });
    // Connect once, even while the state still reads DISCONNECTED right after the request.
    expect(kms.commandCalls(ConnectCustomKeyStoreCommand)).toHaveLength(1);
    expect(kms.commandCalls(CreateKeyCommand)[0].args[0].input).toEqual({
      Origin: 'AWS_CLOUDHSM',
      CustomKeyStoreId: 'cks-1',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      Description: 'C3 key',
      Policy: JSON.stringify(PROPS.KeyPolicy),
      Tags: [...PROPS.Tags, { TagKey: 'key-generation', TagValue: '1' }],
    });
    expect(sent).toEqual([
      {
        url: common.ResponseURL,
        body: expect.objectContaining({
          Status: 'SUCCESS',
          PhysicalResourceId: KEY_ID,
          RequestId: 'req-1',
          Data: { KeyArn: KEY_ARN, KeyId: KEY_ID, CustomKeyStoreId: 'cks-1' },
        }),
      },
    ]);
  });

  test('the password and the response URL never reach the logs or the answer', async () => {
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreName: STORE_NAME }).rejects(notFound());
    kms.on(CreateCustomKeyStoreCommand).resolves({ CustomKeyStoreId: 'cks-1' });
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreId: 'cks-1' }).resolves(store('CONNECTED'));
    await run(createEvent());
    expect(output).toContain('created the custom key store');
    expect(output).toContain('answered CloudFormation');
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain('X-Amz-Signature');
    expect(JSON.stringify(sent)).not.toContain(PASSWORD);
  });

  test('an existing store of the same name and cluster is reused (idempotent Create)', async () => {
    kms.on(DescribeCustomKeyStoresCommand).resolves(store('CONNECTED'));
    await run(createEvent());
    expect(kms.commandCalls(CreateCustomKeyStoreCommand)).toHaveLength(0);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(kms.commandCalls(ConnectCustomKeyStoreCommand)).toHaveLength(0);
    expect(kms.commandCalls(CreateKeyCommand)[0].args[0].input.CustomKeyStoreId).toBe('cks-1');
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: KEY_ID });
  });

  test('a store left FAILED by an earlier attempt is disconnected, then connected again', async () => {
    kms
      .on(DescribeCustomKeyStoresCommand)
      .resolvesOnce(store('FAILED', { ConnectionErrorCode: 'NETWORK_ERRORS' }))
      .resolvesOnce(store('FAILED', { ConnectionErrorCode: 'NETWORK_ERRORS' }))
      .resolvesOnce(store('DISCONNECTING'))
      .resolvesOnce(store('DISCONNECTED'))
      .resolves(store('CONNECTED'));
    await run(createEvent());
    expect(kms.commandCalls(DisconnectCustomKeyStoreCommand)).toHaveLength(1);
    expect(kms.commandCalls(ConnectCustomKeyStoreCommand)).toHaveLength(1);
    expect(sent[0].body.Status).toBe('SUCCESS');
  });

  test('a store of the same name on another cluster is refused, naming both', async () => {
    kms.on(DescribeCustomKeyStoresCommand).resolves(store('CONNECTED', { CloudHsmClusterId: 'cluster-abcdefghijk' }));
    await run(createEvent());
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/belongs to cluster cluster-abcdefghijk, not cluster-jxhlf7644ne/) });
    expect(kms.commandCalls(CreateKeyCommand)).toHaveLength(0);
  });

  test('a cluster that already backs another store: the failure says how to reuse it', async () => {
    kms.on(DescribeCustomKeyStoresCommand).rejects(notFound());
    kms.on(CreateCustomKeyStoreCommand).rejects(new CloudHsmClusterInUseException({ message: 'in use', $metadata: {} }));
    await run(createEvent());
    expect(sent[0].body.Reason).toMatch(/already backs another custom key store.*set keyStoreName/);
  });

  test('a connection failure names the ConnectionErrorCode; the rollback Delete will find no key', async () => {
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreName: STORE_NAME }).rejects(notFound());
    kms.on(CreateCustomKeyStoreCommand).resolves({ CustomKeyStoreId: 'cks-1' });
    kms
      .on(DescribeCustomKeyStoresCommand, { CustomKeyStoreId: 'cks-1' })
      .resolvesOnce(store('DISCONNECTED'))
      .resolvesOnce(store('CONNECTING'))
      .resolves(store('FAILED', { ConnectionErrorCode: 'USER_LOGGED_IN' }));
    await run(createEvent());
    expect(sent[0].body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'no-key-created-req-1',
      Reason: expect.stringMatching(/ConnectionErrorCode USER_LOGGED_IN: the kmsuser crypto user is logged in.*\(log stream stream-1\)/),
    });
    expect(kms.commandCalls(CreateKeyCommand)).toHaveLength(0);
  });

  test('the wait is bounded by the time left: a store still CONNECTING fails the Create, saying so', async () => {
    kms.on(DescribeCustomKeyStoresCommand).resolves(store('CONNECTING'));
    await run(createEvent(), 300_000);
    expect(sent[0].body.Reason).toMatch(/still CONNECTING after 240 s .*up to 20 minutes.*deploy again/);
    expect(clock).toBeLessThanOrEqual(300_000 - 60_000);
  });

  test('a key policy refused while IAM propagates the new role is retried', async () => {
    kms.on(DescribeCustomKeyStoresCommand).resolves(store('CONNECTED'));
    kms
      .on(CreateKeyCommand)
      .rejectsOnce(new MalformedPolicyDocumentException({ message: 'invalid principal', $metadata: {} }))
      .resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, AWSAccountId: '111122223333' } });
    await run(createEvent());
    expect(kms.commandCalls(CreateKeyCommand)).toHaveLength(2);
    expect(sent[0].body.Status).toBe('SUCCESS');
  });

  test('a password that KMS would refuse fails without revealing it', async () => {
    kms.on(DescribeCustomKeyStoresCommand).rejects(notFound());
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    await run(createEvent());
    expect(sent[0].body.Reason).toMatch(/secret paydata\/cloudhsm\/kmsuser must hold the kmsuser password .* of 7-32 characters/);
    expect(JSON.stringify(sent)).not.toContain('"short');
    expect(kms.commandCalls(CreateCustomKeyStoreCommand)).toHaveLength(0);
  });
});

describe('Update', () => {
  const updateEvent = (next: Partial<KeyStoreResourceProperties>): CloudFormationCustomResourceEvent => ({
    ...common,
    RequestType: 'Update',
    PhysicalResourceId: KEY_ID,
    OldResourceProperties: props(),
    ResourceProperties: props(next),
  });

  beforeEach(() => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, CustomKeyStoreId: 'cks-1', AWSAccountId: '111122223333' } });
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreId: 'cks-1' }).resolves(store('CONNECTED'));
    kms.on(ListResourceTagsCommand).resolves({ Tags: [{ TagKey: 'key-generation', TagValue: '1' }] });
  });

  test('description, policy and tags change in place; the physical id stays', async () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }] };
    await run(updateEvent({ KeyDescription: 'new', KeyPolicy: policy, Tags: [{ TagKey: 'data-class', TagValue: 'C3' }, { TagKey: 'owner', TagValue: 'sec' }] }));
    expect(kms.commandCalls(UpdateKeyDescriptionCommand)[0].args[0].input).toEqual({ KeyId: KEY_ID, Description: 'new' });
    expect(kms.commandCalls(PutKeyPolicyCommand)[0].args[0].input).toEqual({ KeyId: KEY_ID, PolicyName: 'default', Policy: JSON.stringify(policy) });
    expect(kms.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ KeyId: KEY_ID, Tags: [{ TagKey: 'owner', TagValue: 'sec' }] });
    expect(kms.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ KeyId: KEY_ID, TagKeys: ['residency'] });
    expect(kms.commandCalls(CreateKeyCommand)).toHaveLength(0);
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: KEY_ID, Data: { KeyArn: KEY_ARN, KeyId: KEY_ID, CustomKeyStoreId: 'cks-1' } });
  });

  test('a new cluster creates a new store and key: a new physical id', async () => {
    const next = { CloudHsmClusterId: 'cluster-abcdefghijk', CustomKeyStoreName: 'paydata-home-c3-cluster-abcdefghijk' };
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreName: next.CustomKeyStoreName }).rejects(notFound());
    kms.on(CreateCustomKeyStoreCommand).resolves({ CustomKeyStoreId: 'cks-2' });
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreId: 'cks-2' }).resolves(store('CONNECTED', { CustomKeyStoreId: 'cks-2', ...next }));
    const newKey = '9999abcd-12ab-34cd-56ef-1234567890ab';
    kms.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: newKey, Arn: KEY_ARN.replace(KEY_ID, newKey), AWSAccountId: '111122223333' } });
    await run(updateEvent(next));
    expect(kms.commandCalls(CreateCustomKeyStoreCommand)[0].args[0].input.CloudHsmClusterId).toBe('cluster-abcdefghijk');
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: newKey });
  });

  test('a new key generation creates a new key in the same store (rotation)', async () => {
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreName: STORE_NAME }).resolves(store('CONNECTED'));
    const newKey = '9999abcd-12ab-34cd-56ef-1234567890ab';
    kms.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: newKey, Arn: KEY_ARN.replace(KEY_ID, newKey), AWSAccountId: '111122223333' } });
    await run(updateEvent({ KeyGeneration: '2' }));
    expect(kms.commandCalls(CreateCustomKeyStoreCommand)).toHaveLength(0);
    expect(kms.commandCalls(CreateKeyCommand)[0].args[0].input).toMatchObject({ CustomKeyStoreId: 'cks-1', Tags: expect.arrayContaining([{ TagKey: 'key-generation', TagValue: '2' }]) });
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: newKey });
  });

  test('a failed update keeps the current physical id, so CloudFormation rolls back to the same key', async () => {
    kms.on(PutKeyPolicyCommand).rejects(new Error('denied'));
    await run(updateEvent({ KeyPolicy: { Statement: [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }] } }));
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: KEY_ID, Reason: expect.stringMatching(/denied/) });
  });
});

describe('Delete', () => {
  const deleteEvent = (physicalId: string): CloudFormationCustomResourceEvent => ({
    ...common,
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: props(),
  });

  test('schedules the key for deletion in 30 days and leaves the store connected', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'Enabled', AWSAccountId: '111122223333' } });
    kms.on(ScheduleKeyDeletionCommand).resolves({ KeyId: KEY_ID, DeletionDate: new Date('2030-01-31T00:00:00Z') });
    await run(deleteEvent(KEY_ID));
    expect(kms.commandCalls(ScheduleKeyDeletionCommand)[0].args[0].input).toEqual({ KeyId: KEY_ID, PendingWindowInDays: 30 });
    expect(kms.commandCalls(DisconnectCustomKeyStoreCommand)).toHaveLength(0);
    expect(kms.commandCalls(DeleteCustomKeyStoreCommand)).toHaveLength(0);
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: KEY_ID });
  });

  test('a key already pending deletion is left as it is', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'PendingDeletion', AWSAccountId: '111122223333' } });
    await run(deleteEvent(KEY_ID));
    expect(kms.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
    expect(sent[0].body.Status).toBe('SUCCESS');
  });

  test('the rollback of a failed Create touches nothing', async () => {
    await run(deleteEvent('no-key-created-req-0'));
    expect(kms.calls()).toHaveLength(0);
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'no-key-created-req-0' });
  });
});
