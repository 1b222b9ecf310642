import { randomBytes } from 'node:crypto';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { tokenize } from '../../../lambda/core/tokens';
import { deriveTokenKey, TOKEN_KEY_LABEL } from '../../../lambda/gateway/token-key';

const kms = mockClient(KMSClient);
beforeEach(() => kms.reset());

describe('deriveTokenKey', () => {
  test('one GenerateMac over the fixed label with the HMAC key; same MAC, same tokens', async () => {
    const mac = randomBytes(32);
    kms.on(GenerateMacCommand).resolves({ Mac: mac });
    const first = await deriveTokenKey(new KMSClient({}), 'arn:aws-cn:kms:cn-north-1:111122223333:key/token');
    const second = await deriveTokenKey(new KMSClient({}), 'arn:aws-cn:kms:cn-north-1:111122223333:key/token');
    const call = kms.commandCalls(GenerateMacCommand)[0].args[0].input;
    expect(call).toMatchObject({ KeyId: 'arn:aws-cn:kms:cn-north-1:111122223333:key/token', MacAlgorithm: 'HMAC_SHA_256' });
    expect(Buffer.from(call.Message as Uint8Array).toString()).toBe(TOKEN_KEY_LABEL);
    expect(tokenize(first, 'cn_mobile', '13800138000')).toBe(tokenize(second, 'cn_mobile', '13800138000'));
  });

  test('a different KMS key gives different tokens', async () => {
    kms.on(GenerateMacCommand).resolvesOnce({ Mac: randomBytes(32) }).resolvesOnce({ Mac: randomBytes(32) });
    const a = await deriveTokenKey(new KMSClient({}), 'key-a');
    const b = await deriveTokenKey(new KMSClient({}), 'key-b');
    expect(tokenize(a, 'cn_mobile', '13800138000')).not.toBe(tokenize(b, 'cn_mobile', '13800138000'));
  });

  test('fails closed when KMS returns no usable MAC', async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(8) });
    await expect(deriveTokenKey(new KMSClient({}), 'key')).rejects.toThrow(/returned 8 bytes; expected 32/);
  });
});
