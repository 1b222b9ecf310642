import { readDeliveryEnvironment } from '../../../lambda/delivery/environment';

const ENV = {
  DESTINATIONS: JSON.stringify([{ region: 'eu-west-1', bucket: 'landing-eu', method: 's3-replication' }]),
  OUTBOUND_PREFIX: 'outbound/',
  LEDGER_BUCKET: 'ledger',
  LEDGER_HEAD_TABLE: 'head',
  IDEMPOTENCY_TABLE: 'idem',
};

describe('readDeliveryEnvironment', () => {
  test('reads the destinations and tables', () => {
    expect(readDeliveryEnvironment(ENV)).toMatchObject({ outboundPrefix: 'outbound/', idempotencyTable: 'idem', destinations: [{ region: 'eu-west-1' }] });
  });

  test.each(['IDEMPOTENCY_TABLE', 'LEDGER_BUCKET', 'LEDGER_HEAD_TABLE', 'OUTBOUND_PREFIX', 'DESTINATIONS'])('refuses to start without %s', (name) => {
    expect(() => readDeliveryEnvironment({ ...ENV, [name]: '' })).toThrow(`delivery environment: missing ${name}`);
  });
});
