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
  ])('refuses %s', (json, message) => {
    expect(() => parseDestinations(json)).toThrow(message);
  });

  test('the destination region comes from the outbound key', () => {
    expect(destinationRegionOf('outbound/ap-southeast-1/sg-settlement/v1/x.jsonl', 'outbound/')).toBe('ap-southeast-1');
    expect(destinationRegionOf('raw/x.jsonl', 'outbound/')).toBeUndefined();
  });
});
