import {
  alarmSeverity,
  findingsOf,
  guardDutySeverity,
  incidentIdOf,
  jurisdictionsOf,
  nextIncidentEntry,
  openingEntry,
  provisionalCnGrade,
  securityHubSeverity,
  verifyIncident,
} from '../../../../lambda/core/incidents';
import { CN_SCOPE, finding, incident } from './support';

describe('severity grading', () => {
  test.each([
    [0.5, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [6.9, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    [10, 'critical'],
  ])('GuardDuty %d is %s', (value, severity) => expect(guardDutySeverity(value)).toBe(severity));

  test.each([-1, 10.5, Number.NaN])('GuardDuty %d is refused', (value) => expect(() => guardDutySeverity(value)).toThrow(RangeError));

  test.each([
    [{ Label: 'INFORMATIONAL' }, 'low'],
    [{ Label: 'MEDIUM', Normalized: 90 }, 'medium'],
    [{ Label: 'CRITICAL' }, 'critical'],
    [{ Normalized: 39 }, 'low'],
    [{ Normalized: 40 }, 'medium'],
    [{ Normalized: 70 }, 'high'],
    [{ Normalized: 90 }, 'critical'],
  ])('Security Hub %j is %s (label first, else normalized)', (severity, expected) => expect(securityHubSeverity(severity)).toBe(expected));

  test('Security Hub without label or normalized value, or with an unknown label, is refused', () => {
    expect(() => securityHubSeverity({})).toThrow(/neither/);
    expect(() => securityHubSeverity({ Label: 'SEVERE' })).toThrow(/not one of/);
  });

  test.each([
    ['paydata-home-RootUsage', 'high'],
    ['paydata-home-BreakGlassRoleUsed', 'high'],
    ['paydata-home-SecurityGroupChanges', 'medium'],
    ['paydata-home-SomethingNew', 'high'],
  ])('alarm %s is %s (unknown alarms fail closed)', (name, severity) => expect(alarmSeverity(name, 'paydata-home')).toBe(severity));

  test.each([
    ['low', 'general'],
    ['medium', 'general'],
    ['high', 'significant'],
    ['critical', 'major'],
  ] as const)('provisional CAC grade of a %s finding: %s', (severity, grade) => expect(provisionalCnGrade(severity)).toBe(grade));
});

const envelope = { version: '0', id: 'e1', account: '111122223333', time: '2026-06-05T15:00:00Z', region: 'cn-north-1', resources: [] };

describe('findingsOf', () => {
  test('GuardDuty: finding ARN, type, severity, resources and activity; no title or description copied', () => {
    const [f] = findingsOf(
      {
        ...envelope,
        source: 'aws.guardduty',
        'detail-type': 'GuardDuty Finding',
        detail: {
          arn: 'arn:aws-cn:guardduty:cn-north-1:111122223333:detector/d/finding/f',
          type: 'UnauthorizedAccess:IAMUser/TorIPCaller',
          severity: 8,
          title: 'API called by Zhang San from 203.0.113.5',
          description: 'person@example.com',
          resource: { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'AKIAEXAMPLE', userName: 'zhangsan' } },
          service: { eventFirstSeen: '2026-06-05T14:00:00Z', eventLastSeen: '2026-06-05T14:55:00Z' },
        },
      },
      { alarmNamePrefix: 'paydata-home' },
    );
    expect(f).toEqual({
      service: 'guardduty',
      id: 'arn:aws-cn:guardduty:cn-north-1:111122223333:detector/d/finding/f',
      type: 'UnauthorizedAccess:IAMUser/TorIPCaller',
      severity: 'high',
      detectedAt: '2026-06-05T15:00:00.000Z',
      account: '111122223333',
      region: 'cn-north-1',
      resources: [{ type: 'AccessKey', id: 'AKIAEXAMPLE' }],
      activity: { from: '2026-06-05T14:00:00.000Z', to: '2026-06-05T14:55:00.000Z' },
    });
    expect(JSON.stringify(f)).not.toMatch(/Zhang|203\.0\.113|example\.com|zhangsan/);
  });

  test('a GuardDuty finding imported into Security Hub maps to the same incident', () => {
    const arn = 'arn:aws:guardduty:eu-west-1:111122223333:detector/d/finding/f';
    const [gd] = findingsOf(
      { ...envelope, source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: { arn, type: 'Recon:EC2/Portscan', severity: 5 } },
      { alarmNamePrefix: 'p' },
    );
    const [sh] = findingsOf(
      {
        ...envelope,
        source: 'aws.securityhub',
        'detail-type': 'Security Hub Findings - Imported',
        detail: { findings: [{ Id: arn, ProductName: 'GuardDuty', Severity: { Label: 'MEDIUM' }, Types: ['TTPs/Discovery'] }] },
      },
      { alarmNamePrefix: 'p' },
    );
    expect(incidentIdOf({ ...sh, service: 'guardduty' })).toBe(incidentIdOf(gd));
  });

  test('Security Hub: one finding per ASFF finding of the event', () => {
    const findings = findingsOf(
      {
        ...envelope,
        source: 'aws.securityhub',
        'detail-type': 'Security Hub Findings - Imported',
        detail: {
          findings: [
            { Id: 'a', Severity: { Label: 'HIGH' }, Resources: [{ Type: 'AwsS3Bucket', Id: 'arn:aws-cn:s3:::b' }] },
            { Id: 'b', Severity: { Label: 'CRITICAL' } },
          ],
        },
      },
      { alarmNamePrefix: 'p' },
    );
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['a', 'high'],
      ['b', 'critical'],
    ]);
  });

  test('alarm into ALARM: an incident per transition; back to OK: none', () => {
    const alarm = (value: string, timestamp: string) => ({
      ...envelope,
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      resources: ['arn:aws-cn:cloudwatch:cn-north-1:111122223333:alarm:paydata-home-RootUsage'],
      detail: { alarmName: 'paydata-home-RootUsage', state: { value, timestamp } },
    });
    const [first] = findingsOf(alarm('ALARM', '2026-06-05T15:00:00.000+0000'), { alarmNamePrefix: 'paydata-home' });
    const [second] = findingsOf(alarm('ALARM', '2026-06-06T15:00:00.000+0000'), { alarmNamePrefix: 'paydata-home' });
    expect(first).toMatchObject({ service: 'alarm', severity: 'high', type: 'paydata-home-RootUsage' });
    expect(incidentIdOf(first)).not.toBe(incidentIdOf(second));
    expect(findingsOf(alarm('OK', '2026-06-05T16:00:00.000+0000'), { alarmNamePrefix: 'paydata-home' })).toEqual([]);
  });

  test('anything else is refused with what it was', () => {
    expect(() => findingsOf({ ...envelope, source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }, { alarmNamePrefix: 'p' })).toThrow(
      /unsupported event: source "aws.s3"/,
    );
    expect(() =>
      findingsOf({ ...envelope, source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', detail: { arn: 'x', type: 't', severity: 11 } }, { alarmNamePrefix: 'p' }),
    ).toThrow(RangeError);
  });
});

describe('jurisdictionsOf', () => {
  test('a destination country no duty is modeled for is named, not dropped', () => {
    const j = jurisdictionsOf({ homeRegion: 'ap-southeast-1', destinations: [{ region: 'ap-northeast-1', country: 'JP' }], cnOperator: 'other' });
    expect(j.touched).toEqual([
      { country: 'SG', role: 'home' },
      { country: 'JP', role: 'destination' },
    ]);
    expect(j.unmodeled).toEqual(['JP']);
  });

  test('several EEA destinations give one GDPR duty (the lead authority)', () => {
    const j = jurisdictionsOf({
      homeRegion: 'ap-southeast-1',
      destinations: [
        { region: 'eu-west-1', country: 'IE' },
        { region: 'eu-central-1', country: 'DE' },
      ],
      cnOperator: 'other',
    });
    expect(j.obligations.filter((o) => o.id === 'eu-gdpr-art33')).toHaveLength(1);
  });
});

describe('incident chain', () => {
  test('a verified chain; any edit breaks it, naming the seq', () => {
    const entries = incident(CN_SCOPE, finding(), { kind: 'closed', at: '2026-06-05T16:00:00.000Z', reason: 'false positive' });
    expect(verifyIncident(JSON.parse(JSON.stringify(entries))).ok).toBe(true);
    const edited = JSON.parse(JSON.stringify(entries));
    edited[1].reason = 'something else';
    expect(verifyIncident(edited)).toEqual({ ok: false, seq: 2, reason: expect.stringContaining('hash mismatch') });
    expect(verifyIncident([entries[1]])).toMatchObject({ ok: false, seq: 1 });
  });

  test('the first entry must open the incident, and only once', () => {
    expect(() => nextIncidentEntry(undefined, { kind: 'closed', at: '2026-06-05T16:00:00.000Z', reason: 'x' })).toThrow(/first entry/);
    const [opened] = incident(CN_SCOPE, finding());
    expect(() => nextIncidentEntry(opened, openingEntry(finding(), CN_SCOPE))).toThrow(/opened once/);
  });
});
