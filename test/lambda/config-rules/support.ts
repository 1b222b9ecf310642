import type { ConfigurationItem } from '../../../lambda/config-rules/configuration-item';

export const HOME = 'cn-north-1';
export const DESTINATION = 'ap-southeast-1';
export const ACCOUNT = '111111111111';
export const POLICY = { homeRegion: HOME, allowedRegions: [HOME, DESTINATION], maxLogRetentionDays: 90 };

/** A configuration item as AWS Config records it (only the fields the rules read, with Config's casing). */
export function item(resourceType: string, overrides: Partial<ConfigurationItem> & { configuration?: unknown } = {}): ConfigurationItem {
  return {
    resourceType,
    resourceId: overrides.resourceId ?? 'resource-1',
    resourceName: overrides.resourceName ?? overrides.resourceId ?? 'resource-1',
    awsRegion: HOME,
    configurationItemStatus: 'OK',
    configurationItemCaptureTime: '2026-06-01T10:00:00.000Z',
    tags: {},
    configuration: {},
    supplementaryConfiguration: {},
    ...overrides,
  };
}

export function bucketEncryption(sseAlgorithm: string, kmsMasterKeyID?: string): Record<string, unknown> {
  return { ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm, kmsMasterKeyID: kmsMasterKeyID ?? null }, bucketKeyEnabled: true }] } };
}

export function bucketReplication(...destinationBuckets: string[]): Record<string, unknown> {
  return {
    BucketReplicationConfiguration: {
      roleARN: `arn:aws-cn:iam::${ACCOUNT}:role/replication`,
      rules: Object.fromEntries(destinationBuckets.map((name, i) => [`rule-${i}`, { destinationConfig: { bucketARN: `arn:aws-cn:s3:::${name}` }, status: 'Enabled', prefix: '' }])),
    },
  };
}

/** A trust policy as Config records it: URL-encoded JSON text. */
export function encodedTrust(statement: Record<string, unknown>): string {
  return encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
}
