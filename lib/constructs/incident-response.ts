import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { CLOSED_INDEX_PREFIX, INCIDENT_PREFIX, OPEN_INDEX_PREFIX, type ProfileScope } from '../../lambda/core/incidents';
import { partitionOf } from '../../lambda/core/regions';
import { OBJECT_LOCK_CEILING_DAYS } from '../config';
import { appendOnlyBucket } from './append-only-bucket';
import type { ClassifiedBucket } from './classified-bucket';
import { DataPlaneFunction } from './data-plane-function';
import { grantKeyUseThrough, grantObjectRead, grantObjectWrite, grantPrefixList } from './grants';
import { allowEventBridgeDeadLetters } from './key-policies';

/** The sources of findings the incident function listens to. */
export const FINDING_SOURCES = ['guardduty', 'securityhub'] as const;
export type FindingSource = (typeof FINDING_SOURCES)[number];

/**
 * Where the finding services exist, as checked in AWS's documentation: GuardDuty is available in the
 * China (Beijing) and (Ningxia) Regions ("Getting Started with Amazon Web Services in China",
 * GuardDuty page; Runtime Monitoring and some finding types are missing there); Security Hub (CSPM)
 * is available there too, with fewer integrations: in China it does not import GuardDuty findings,
 * which is why GuardDuty gets its own rule everywhere (in `aws` both rules fire for a GuardDuty
 * finding, and the incident id, derived from the finding ARN, makes the second a no-op).
 */
export const FINDING_SOURCES_BY_PARTITION: Readonly<Record<string, readonly FindingSource[]>> = {
  aws: FINDING_SOURCES,
  'aws-cn': FINDING_SOURCES,
};

export interface IncidentResponseProps {
  /** The audit key: incident records are audit records. */
  readonly auditKey: kms.IKey;
  /** Encrypts the function's log group. */
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  /** Region whose law governs the records; written to `residency` tags. */
  readonly residency: string;
  /** Where S3 server access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** The security alarms' topic (encrypted with `topicKey`): openings and reminders are published there. */
  readonly alarmTopic: sns.ITopic;
  /** The key of the alarm topic. */
  readonly topicKey: kms.IKey;
  /** Prefix of the security alarms' names (`<prefix>-<id>`): their state changes open incidents. */
  readonly alarmNamePrefix: string;
  /** The jurisdictions the deployment's data touches: home region, transfer destinations, CAC operator type. */
  readonly scope: ProfileScope;
  /** Object Lock COMPLIANCE retention of every record, in days. */
  readonly retentionDays: number;
  /**
   * Finding services whose findings open incidents.
   * @default - every service the partition offers (FINDING_SOURCES_BY_PARTITION)
   */
  readonly findingSources?: readonly FindingSource[];
  /**
   * How often open incidents are checked for reminders due. The shortest clock is 1 hour (CAC, CIIO).
   * @default Duration.minutes(5)
   */
  readonly checkInterval?: Duration;
}

/**
 * Incident response in the home region: GuardDuty and Security Hub findings and our security
 * alarms' transitions into ALARM reach, through EventBridge, a function that opens an incident
 * record with one deadline per jurisdiction the data touches; a periodic check sends reminders
 * before each deadline. Records are write-once objects (`If-None-Match`, enforced by the bucket
 * policy) in an Object Lock COMPLIANCE bucket under the audit key.
 *
 * Reminders come from a periodic check rather than EventBridge Scheduler one-time schedules: the
 * deadlines move when people record assessments (an `assessment` clock starts then; a duty found
 * not required stops), and a check that recomputes them from the record needs no schedules to be
 * created, moved or deleted, nor a role for the Scheduler to assume.
 */
export class IncidentResponse extends Construct {
  public readonly store: ClassifiedBucket;
  public readonly handler: DataPlaneFunction;
  public readonly findingRules: events.Rule[] = [];
  public readonly alarmRule: events.Rule;
  public readonly checkRule: events.Rule;

  constructor(scope: Construct, id: string, props: IncidentResponseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > OBJECT_LOCK_CEILING_DAYS) {
      throw new Error(`IncidentResponse retentionDays: got ${props.retentionDays}; expected a whole number of days from 1 to ${OBJECT_LOCK_CEILING_DAYS}`);
    }
    const interval = props.checkInterval ?? Duration.minutes(5);
    if (!interval.isUnresolved() && (interval.toMinutes() < 1 || interval.toMinutes() > 15)) {
      throw new Error(`IncidentResponse checkInterval: got ${interval.toMinutes()} minutes; expected 1 to 15 (the shortest deadline is 1 hour)`);
    }
    const partition = partitionOf(props.scope.homeRegion);
    const offered = FINDING_SOURCES_BY_PARTITION[partition];
    const sources = props.findingSources ?? offered;
    const unavailable = sources.filter((s) => !offered.includes(s));
    if (unavailable.length > 0) throw new Error(`IncidentResponse findingSources: ${unavailable.join(', ')} not offered in partition ${partition}`);

    // A record is created once and never replaced: a state change is a new entry.
    this.store = appendOnlyBucket(this, 'Store', {
      encryptionKey: props.auditKey,
      residency: props.residency,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'incidents/',
      retentionDays: props.retentionDays,
      statementId: 'IncidentRecordsAreWrittenOnce',
      writeOncePrefixes: [INCIDENT_PREFIX, 'index/'],
    });

    // The function's environment and dead letters (finding events) are audit-class too.
    if (!allowEventBridgeDeadLetters(props.auditKey, stack.account)) {
      throw new Error('IncidentResponse auditKey: the key is imported, so EventBridge cannot be allowed to use it for undeliverable findings; pass a key this app owns');
    }

    this.handler = new DataPlaneFunction(this, 'Respond', {
      entry: join(__dirname, '..', '..', 'lambda', 'incidents', 'handler.ts'),
      description: 'Opens incident records with notification deadlines per jurisdiction and sends reminders before each',
      environmentKey: props.auditKey,
      logsKey: props.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      memorySize: 512,
      timeout: Duration.minutes(2),
      reservedConcurrentExecutions: 2,
      environment: {
        INCIDENT_BUCKET: this.store.bucket.bucketName,
        ALARM_TOPIC_ARN: props.alarmTopic.topicArn,
        ALARM_NAME_PREFIX: props.alarmNamePrefix,
        INCIDENT_SCOPE: JSON.stringify(props.scope),
      },
    });
    const role = this.handler.role;
    for (const prefix of [INCIDENT_PREFIX, OPEN_INDEX_PREFIX, CLOSED_INDEX_PREFIX]) {
      grantObjectRead(role, this.store.bucket, prefix);
      grantObjectWrite(role, this.store.bucket, prefix);
    }
    grantPrefixList(role, this.store.bucket, INCIDENT_PREFIX);
    grantPrefixList(role, this.store.bucket, 'index/');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.alarmTopic.topicArn] }));
    grantKeyUseThrough(role, props.topicKey, ['kms:GenerateDataKey', 'kms:Decrypt'], 'sns');

    const target = this.handler.asEventTarget();
    if (sources.includes('guardduty')) {
      this.findingRules.push(
        new events.Rule(this, 'GuardDutyFindings', {
          description: 'GuardDuty findings of medium severity or above open an incident',
          eventPattern: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 4] }] } },
          targets: [target],
        }),
      );
    }
    if (sources.includes('securityhub')) {
      this.findingRules.push(
        new events.Rule(this, 'SecurityHubFindings', {
          description: 'New, active Security Hub findings of high or critical severity open an incident',
          eventPattern: {
            source: ['aws.securityhub'],
            detailType: ['Security Hub Findings - Imported'],
            detail: { findings: { Severity: { Label: ['HIGH', 'CRITICAL'] }, RecordState: ['ACTIVE'], Workflow: { Status: ['NEW'] } } },
          },
          targets: [target],
        }),
      );
    }
    this.alarmRule = new events.Rule(this, 'SecurityAlarmStateChanges', {
      description: 'A security alarm entering ALARM opens an incident',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: `${props.alarmNamePrefix}-` }], state: { value: ['ALARM'] } },
      },
      targets: [target],
    });
    this.checkRule = new events.Rule(this, 'DeadlineCheck', {
      description: 'Reminders before each notification deadline of open incidents',
      schedule: events.Schedule.rate(interval),
      targets: [target],
    });
  }

  /** Read the incident records (auditors, the evidence pack's `aws s3 sync`). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantObjectRead(grantee, this.store.bucket, INCIDENT_PREFIX).combine(grantPrefixList(grantee, this.store.bucket, INCIDENT_PREFIX));
  }

  /** Record assessments and notifications: invoke the function with a `record` request. */
  public grantRecord(grantee: iam.IGrantable): iam.Grant {
    return this.handler.function.grantInvoke(grantee);
  }
}
