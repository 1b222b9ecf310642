import { readGatewayEnvironment, ruleIsActive } from '../../../lambda/gateway/environment';

const RULE = {
  id: 'sg-settlement',
  version: 1,
  destination: { region: 'ap-southeast-1', country: 'SG', recipient: 'Example Settlement Pte. Ltd.' },
  purpose: 'payment_settlement',
  legalBasis: 'cac_contract_necessity',
  validFrom: '2026-01-01',
  validUntil: '2027-12-31',
  fields: { 'txn.tradeNo': { keep: { pattern: '^[0-9]{28}$' } } },
  otherFields: 'drop',
};

const ENV = {
  TRANSFER_RULES: JSON.stringify([RULE]),
  RAW_PREFIX: 'raw/',
  OUTBOUND_BUCKET: 'out',
  OUTBOUND_PREFIX: 'outbound/',
  STAGING_PREFIX: 'staging/',
  QUARANTINE_PREFIX: 'quarantine/',
  LEDGER_BUCKET: 'ledger',
  LEDGER_HEAD_TABLE: 'head',
  IDEMPOTENCY_TABLE: 'idem',
  HEADCOUNT_TABLE: 'heads',
  TOKEN_KEY_ID: 'arn:aws-cn:kms:cn-north-1:111122223333:key/abc',
  EXPORTER: '111122223333/cn-north-1',
};

describe('readGatewayEnvironment: the split', () => {
  const ARN = 'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:split';
  test('reads the state machine and the split size together, and the release copy limit', () => {
    expect(readGatewayEnvironment({ ...ENV, SPLIT_STATE_MACHINE_ARN: ARN, SPLIT_OBJECT_BYTES: '1073741824', RELEASE_COPY_MAX_BYTES: '8388608' })).toMatchObject({
      split: { stateMachineArn: ARN, objectBytes: 1073741824 },
      copyObjectMaxBytes: 8388608,
    });
    const none = readGatewayEnvironment(ENV);
    expect(none.split).toBeUndefined();
    expect(none.copyObjectMaxBytes).toBeUndefined();
  });

  test.each([
    [{ SPLIT_STATE_MACHINE_ARN: ARN }, /SPLIT_STATE_MACHINE_ARN and SPLIT_OBJECT_BYTES are set together or not at all/],
    [{ SPLIT_OBJECT_BYTES: '1073741824' }, /set together or not at all/],
    [{ SPLIT_STATE_MACHINE_ARN: ARN, SPLIT_OBJECT_BYTES: '1 GiB' }, /SPLIT_OBJECT_BYTES must be a whole number of bytes of at least 2, got "1 GiB"/],
    [{ RELEASE_COPY_MAX_BYTES: '1024' }, /RELEASE_COPY_MAX_BYTES must be a whole number of bytes of at least 5242880, got "1024"/],
  ])('refuses %o', (extra, message) => {
    expect(() => readGatewayEnvironment({ ...ENV, ...extra })).toThrow(message);
  });
});

describe('readGatewayEnvironment', () => {
  test('parses the rules even when read after they expired (activity is decided per batch)', () => {
    const env = readGatewayEnvironment(ENV);
    expect(env.rules.map((r) => r.id)).toEqual(['sg-settlement']);
    expect(ruleIsActive(env.rules[0], new Date('2026-06-01T00:00:00Z'))).toBe(true);
    expect(ruleIsActive(env.rules[0], new Date('2027-12-31T23:59:59Z'))).toBe(true);
    expect(ruleIsActive(env.rules[0], new Date('2028-01-01T00:00:00Z'))).toBe(false);
    expect(ruleIsActive(env.rules[0], new Date('2025-12-31T23:59:59Z'))).toBe(false);
  });

  test('reads the thread count the construct sets from the memory size; absent, the transfer decides', () => {
    expect(readGatewayEnvironment({ ...ENV, GATEWAY_THREADS: '2' }).threads).toBe(2);
    expect(readGatewayEnvironment(ENV).threads).toBeUndefined();
  });

  test.each([
    [{ LEDGER_BUCKET: '' }, /missing LEDGER_BUCKET/],
    [{ STAGING_PREFIX: undefined }, /missing STAGING_PREFIX/],
    [{ STAGING_PREFIX: 'outbound/staging/' }, /STAGING_PREFIX "outbound\/staging\/" and OUTBOUND_PREFIX "outbound\/" must not contain one another/],
    [{ TRANSFER_RULES: '{' }, /TRANSFER_RULES is not JSON/],
    [{ TRANSFER_RULES: '[]' }, /non-empty array/],
    [{ TRANSFER_RULES: JSON.stringify([{ ...RULE, fields: { a: 'shred' } }]) }, /TRANSFER_RULES\[0\]/],
    [{ GATEWAY_THREADS: '0' }, /GATEWAY_THREADS must be a whole number of at least 1, got "0"/],
    [{ GATEWAY_THREADS: '1.5' }, /GATEWAY_THREADS must be a whole number of at least 1, got "1.5"/],
  ])('fails closed on %j', (override, message) => {
    expect(() => readGatewayEnvironment({ ...ENV, ...override })).toThrow(message);
  });
});
