import { destinationRegionOf, parseDestinations } from '../../../lambda/delivery/destinations';

describe('delivery destinations', () => {
  test('parses replicated and pushed destinations', () => {
    const parsed = parseDestinations(
      JSON.stringify([
        { region: 'eu-west-1', bucket: 'landing-eu', method: 's3-replication' },
        { region: 'ap-southeast-1', bucket: 'landing-sg', method: 'cross-partition-push', credentialsSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:x' },
      ]),
    );
    expect(parsed.map((d) => d.method)).toEqual(['s3-replication', 'cross-partition-push']);
  });

  test.each([
    [undefined, /DESTINATIONS is missing/],
    ['[]', /non-empty array/],
    [JSON.stringify([{ region: 'x', bucket: 'y', method: 'ftp' }]), /method: got ftp/],
    [JSON.stringify([{ region: 'x', bucket: 'y', method: 'cross-partition-push' }]), /needs credentialsSecretArn/],
    [JSON.stringify([{ region: 'x', method: 's3-replication' }]), /bucket is required \(it may only be absent for a cross-partition push\)/],
  ])('refuses %s', (json, message) => {
    expect(() => parseDestinations(json)).toThrow(message);
  });

  test('a cross-partition push may be unbound (no bucket): the handler refuses it at push time', () => {
    const [unbound] = parseDestinations(JSON.stringify([{ region: 'ap-southeast-1', method: 'cross-partition-push', credentialsSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:x' }]));
    expect(unbound.bucket).toBeUndefined();
  });

  test('the destination region comes from the outbound key', () => {
    expect(destinationRegionOf('outbound/ap-southeast-1/sg-settlement/v1/x.jsonl', 'outbound/')).toBe('ap-southeast-1');
    expect(destinationRegionOf('raw/x.jsonl', 'outbound/')).toBeUndefined();
  });
});
