/**
 * AWS regions this project can place data in, with the partition each belongs to and the
 * ISO 3166-1 alpha-2 country whose law governs data stored there. Pure data: used at synth
 * (config validation, residency map) and at run time (transfer rule checks).
 *
 * GovCloud and isolated partitions are left out on purpose: a payment platform's cross-border
 * flows do not run there, and accepting them would only widen the surface we must reason about.
 */
export type Partition = 'aws' | 'aws-cn';

export interface RegionInfo {
  readonly partition: Partition;
  readonly country: string;
}

export const REGIONS: Readonly<Record<string, RegionInfo>> = {
  'us-east-1': { partition: 'aws', country: 'US' },
  'us-east-2': { partition: 'aws', country: 'US' },
  'us-west-1': { partition: 'aws', country: 'US' },
  'us-west-2': { partition: 'aws', country: 'US' },
  'af-south-1': { partition: 'aws', country: 'ZA' },
  'ap-east-1': { partition: 'aws', country: 'HK' },
  'ap-east-2': { partition: 'aws', country: 'TW' },
  'ap-south-1': { partition: 'aws', country: 'IN' },
  'ap-south-2': { partition: 'aws', country: 'IN' },
  'ap-southeast-1': { partition: 'aws', country: 'SG' },
  'ap-southeast-2': { partition: 'aws', country: 'AU' },
  'ap-southeast-3': { partition: 'aws', country: 'ID' },
  'ap-southeast-4': { partition: 'aws', country: 'AU' },
  'ap-southeast-5': { partition: 'aws', country: 'MY' },
  'ap-southeast-6': { partition: 'aws', country: 'NZ' },
  'ap-southeast-7': { partition: 'aws', country: 'TH' },
  'ap-northeast-1': { partition: 'aws', country: 'JP' },
  'ap-northeast-2': { partition: 'aws', country: 'KR' },
  'ap-northeast-3': { partition: 'aws', country: 'JP' },
  'ca-central-1': { partition: 'aws', country: 'CA' },
  'ca-west-1': { partition: 'aws', country: 'CA' },
  'eu-central-1': { partition: 'aws', country: 'DE' },
  'eu-central-2': { partition: 'aws', country: 'CH' },
  'eu-west-1': { partition: 'aws', country: 'IE' },
  'eu-west-2': { partition: 'aws', country: 'GB' },
  'eu-west-3': { partition: 'aws', country: 'FR' },
  'eu-south-1': { partition: 'aws', country: 'IT' },
  'eu-south-2': { partition: 'aws', country: 'ES' },
  'eu-north-1': { partition: 'aws', country: 'SE' },
  'il-central-1': { partition: 'aws', country: 'IL' },
  'me-south-1': { partition: 'aws', country: 'BH' },
  'me-central-1': { partition: 'aws', country: 'AE' },
  'mx-central-1': { partition: 'aws', country: 'MX' },
  'sa-east-1': { partition: 'aws', country: 'BR' },
  'cn-north-1': { partition: 'aws-cn', country: 'CN' },
  'cn-northwest-1': { partition: 'aws-cn', country: 'CN' },
};

export const KNOWN_REGIONS: readonly string[] = Object.keys(REGIONS);

export function isKnownRegion(region: string): boolean {
  return Object.prototype.hasOwnProperty.call(REGIONS, region);
}

/** The partition of a known region; throws for an unknown one (fail closed, never guess `aws`). */
export function partitionOf(region: string): Partition {
  if (!isKnownRegion(region)) {
    throw new Error(`unknown region "${region}"; known regions: ${KNOWN_REGIONS.join(', ')}`);
  }
  return REGIONS[region].partition;
}

/** The country whose jurisdiction covers a known region; throws for an unknown one. */
export function countryOf(region: string): string {
  if (!isKnownRegion(region)) {
    throw new Error(`unknown region "${region}"; known regions: ${KNOWN_REGIONS.join(', ')}`);
  }
  return REGIONS[region].country;
}
