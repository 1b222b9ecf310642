import {
  type IncidentBody,
  type IncidentEntry,
  nextIncidentEntry,
  openingEntry,
  type ProfileScope,
  type Severity,
  type SourceFinding,
} from '../../../../lambda/core/incidents';

export const CN_SCOPE: ProfileScope = { homeRegion: 'cn-north-1', destinations: [{ region: 'ap-southeast-1', country: 'SG' }], cnOperator: 'other' };
export const SG_SCOPE: ProfileScope = {
  homeRegion: 'ap-southeast-1',
  destinations: [
    { region: 'eu-west-1', country: 'IE' },
    { region: 'us-east-1', country: 'US' },
  ],
  cnOperator: 'other',
};

export function finding(overrides: Partial<SourceFinding> = {}): SourceFinding {
  return {
    service: 'guardduty',
    id: 'arn:aws-cn:guardduty:cn-north-1:111122223333:detector/d1/finding/f1',
    type: 'Exfiltration:S3/AnomalousBehavior',
    severity: 'high' as Severity,
    detectedAt: '2026-06-05T15:00:00.000Z',
    account: '111122223333',
    region: 'cn-north-1',
    resources: [{ type: 'S3Bucket', id: 'arn:aws-cn:s3:::paydata-c2' }],
    ...overrides,
  };
}

/** An incident's chain: the opening entry for `source` in `scope`, then `bodies` in order. */
export function incident(scope: ProfileScope, source: SourceFinding, ...bodies: IncidentBody[]): IncidentEntry[] {
  const entries: IncidentEntry[] = [nextIncidentEntry(undefined, openingEntry(source, scope))];
  for (const body of bodies) entries.push(nextIncidentEntry(entries[entries.length - 1], body));
  return entries;
}
