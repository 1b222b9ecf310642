/**
 * From a source event to the body of the entry that opens an incident: GuardDuty findings, Security
 * Hub (ASFF) findings and our security alarms' state changes, as EventBridge delivers them.
 *
 * The incident id is derived from the source's own id, so the same finding arriving twice (a
 * GuardDuty update, or the same GuardDuty finding also imported into Security Hub, whose ASFF `Id`
 * is the GuardDuty finding ARN) maps to the same incident, and the write-once first entry makes
 * the second arrival a no-op. Each transition of an alarm into ALARM is its own incident.
 *
 * Only identifiers of resources and of the finding are kept; titles and descriptions (which can
 * name people) are not copied.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IncidentBody } from './entries';
import { jurisdictionsOf, type ProfileScope } from './jurisdictions';
import { alarmSeverity, guardDutySeverity, securityHubSeverity, type Severity } from './severity';

/** The body of an incident's first entry. */
export type OpeningBody = Extract<IncidentBody, { kind: 'opened' }>;

export interface SourceFinding {
  readonly service: 'guardduty' | 'securityhub' | 'alarm';
  readonly id: string;
  readonly type: string;
  readonly severity: Severity;
  readonly detectedAt: string;
  readonly account: string;
  readonly region: string;
  readonly resources: ReadonlyArray<{ type: string; id: string }>;
  readonly activity?: { from: string; to: string };
}

export class SourceEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceEventError';
  }
}

const MAX_RESOURCES = 20;
const MAX_TEXT = 500;

function isoInstant(value: string, what: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SourceEventError(`${what}: "${value.slice(0, 40)}" is not a time`);
  return new Date(ms).toISOString();
}

function clip(value: string): string {
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}

const envelope = z.looseObject({
  'detail-type': z.string(),
  source: z.string(),
  account: z.string().regex(/^\d{12}$/),
  time: z.string(),
  region: z.string(),
});

const guardDutyDetail = z.looseObject({
  arn: z.string().min(1),
  type: z.string().min(1),
  severity: z.number(),
  resource: z
    .looseObject({
      resourceType: z.string().optional(),
      instanceDetails: z.looseObject({ instanceId: z.string().optional() }).optional(),
      accessKeyDetails: z.looseObject({ accessKeyId: z.string().optional() }).optional(),
      s3BucketDetails: z.array(z.looseObject({ arn: z.string().optional() })).optional(),
    })
    .optional(),
  service: z.looseObject({ eventFirstSeen: z.string().optional(), eventLastSeen: z.string().optional() }).optional(),
});

function guardDutyResources(detail: z.infer<typeof guardDutyDetail>): Array<{ type: string; id: string }> {
  const resource = detail.resource;
  if (resource === undefined) return [];
  const type = resource.resourceType ?? 'Unknown';
  const ids = [
    resource.instanceDetails?.instanceId,
    resource.accessKeyDetails?.accessKeyId,
    ...(resource.s3BucketDetails ?? []).map((b) => b.arn),
  ].filter((id): id is string => typeof id === 'string' && id !== '');
  return ids.map((id) => ({ type, id: clip(id) }));
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SourceEventError(`${what}: ${issue?.path.map(String).join('.') || '(event)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const securityHubFinding = z.looseObject({
  Id: z.string().min(1),
  ProductName: z.string().optional(),
  Types: z.array(z.string()).optional(),
  Severity: z.looseObject({ Label: z.string().optional(), Normalized: z.number().optional() }).optional(),
  Resources: z.array(z.looseObject({ Type: z.string(), Id: z.string() })).optional(),
  FirstObservedAt: z.string().optional(),
  LastObservedAt: z.string().optional(),
  AwsAccountId: z.string().regex(/^\d{12}$/).optional(),
  Region: z.string().optional(),
});

const alarmDetail = z.looseObject({
  alarmName: z.string().min(1),
  state: z.looseObject({ value: z.string(), timestamp: z.string() }),
});

/**
 * The findings an EventBridge event carries (one for GuardDuty and alarms, one or more for Security
 * Hub). An alarm that left ALARM (back to OK) carries none. Anything else is refused.
 */
export function findingsOf(event: unknown, options: { alarmNamePrefix: string }): SourceFinding[] {
  const head = parse(envelope, event, 'event');
  const detail = (event as { detail?: unknown }).detail;
  const time = isoInstant(head.time, 'event time');
  if (head.source === 'aws.guardduty' && head['detail-type'] === 'GuardDuty Finding') {
    const gd = parse(guardDutyDetail, detail, 'GuardDuty finding');
    const from = gd.service?.eventFirstSeen;
    const to = gd.service?.eventLastSeen;
    return [
      {
        service: 'guardduty',
        id: clip(gd.arn),
        type: clip(gd.type),
        severity: guardDutySeverity(gd.severity),
        detectedAt: time,
        account: head.account,
        region: head.region,
        resources: guardDutyResources(gd).slice(0, MAX_RESOURCES),
        ...(from && to ? { activity: { from: isoInstant(from, 'eventFirstSeen'), to: isoInstant(to, 'eventLastSeen') } } : {}),
      },
    ];
  }
  if (head.source === 'aws.securityhub' && head['detail-type'] === 'Security Hub Findings - Imported') {
    const { findings } = parse(z.looseObject({ findings: z.array(securityHubFinding).min(1) }), detail, 'Security Hub event');
    return findings.map((f) => ({
      service: 'securityhub' as const,
      id: clip(f.Id),
      type: clip(f.Types?.[0] ?? f.ProductName ?? 'Security Hub finding'),
      severity: securityHubSeverity(f.Severity),
      detectedAt: time,
      account: f.AwsAccountId ?? head.account,
      region: f.Region ?? head.region,
      resources: (f.Resources ?? []).slice(0, MAX_RESOURCES).map((r) => ({ type: clip(r.Type), id: clip(r.Id) })),
      ...(f.FirstObservedAt && f.LastObservedAt
        ? { activity: { from: isoInstant(f.FirstObservedAt, 'FirstObservedAt'), to: isoInstant(f.LastObservedAt, 'LastObservedAt') } }
        : {}),
    }));
  }
  if (head.source === 'aws.cloudwatch' && head['detail-type'] === 'CloudWatch Alarm State Change') {
    const alarm = parse(alarmDetail, detail, 'alarm state change');
    if (alarm.state.value !== 'ALARM') return [];
    const arn = (event as { resources?: unknown }).resources;
    const alarmArn = Array.isArray(arn) && typeof arn[0] === 'string' ? arn[0] : alarm.alarmName;
    const changedAt = isoInstant(alarm.state.timestamp, 'alarm state timestamp');
    return [
      {
        service: 'alarm',
        id: clip(`${alarmArn}@${changedAt}`),
        type: clip(alarm.alarmName),
        severity: alarmSeverity(alarm.alarmName, options.alarmNamePrefix),
        detectedAt: time,
        account: head.account,
        region: head.region,
        resources: [{ type: 'AWS::CloudWatch::Alarm', id: clip(alarmArn) }],
      },
    ];
  }
  throw new SourceEventError(`unsupported event: source "${head.source}", detail-type "${head['detail-type']}"`);
}

/** `inc-` and 16 hex digits of SHA-256 over the source service and its id. */
export function incidentIdOf(finding: Pick<SourceFinding, 'service' | 'id'>): string {
  return `inc-${createHash('sha256').update(`${finding.service}\u0000${finding.id}`).digest('hex').slice(0, 16)}`;
}

/** The entry that opens the incident a finding raises, with the duties of the deployment's jurisdictions. */
export function openingEntry(finding: SourceFinding, scope: ProfileScope): OpeningBody {
  const { obligations, unmodeled } = jurisdictionsOf(scope);
  return {
    kind: 'opened',
    incidentId: incidentIdOf(finding),
    openedAt: finding.detectedAt,
    source: { service: finding.service, id: finding.id, type: finding.type },
    severity: finding.severity,
    account: finding.account,
    region: finding.region,
    resources: finding.resources.map((r) => ({ ...r })),
    ...(finding.activity ? { activity: finding.activity } : {}),
    scope: {
      homeRegion: scope.homeRegion,
      destinations: scope.destinations.map((d) => ({ region: d.region, country: d.country })),
      cnOperator: scope.cnOperator,
    },
    obligations: obligations.map((o) => ({ ...o, clock: { ...o.clock } })),
    unmodeled: [...unmodeled],
  };
}
