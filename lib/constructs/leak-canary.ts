import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { isOffered } from '../availability';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { CANARY_INCIDENTS_PREFIX, CANARY_RUNS_PREFIX } from '../../lambda/core/canary/records';
import { allowEventBridgeToNotify, type AlarmRoute, FunctionHealthAlarms } from './alarm-routes';
import type { ClassifiedBucket } from './classified-bucket';
import { DataPlaneFunction } from './data-plane-function';
import { grantObjectRead, grantObjectWrite, grantPrefixList } from './grants';
import { ManagedPolicyRole } from './managed-policy-role';
import type { PrivateNetwork } from './private-network';

export interface LeakCanaryProps {
  /** The outbound bucket the gateway writes desensitized output to. */
  readonly outbound: ClassifiedBucket;
  /** The prefix the canary reads (and nothing else of the bucket). */
  readonly outboundPrefix: string;
  /** Where incident and run records go (Object Lock COMPLIANCE; it sends object events to EventBridge). */
  readonly results: ClassifiedBucket;
  readonly route: AlarmRoute;
  /** Private network: the canary reads what may be a leak, so it has no route to the internet (S3 through the gateway endpoint). */
  readonly network: PrivateNetwork;
  readonly environmentKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly residency: string;
  /**
   * Minutes between runs.
   * @default 60
   */
  readonly everyMinutes?: number;
  /**
   * Objects modified within this many hours are candidates.
   * @default 24
   */
  readonly lookbackHours?: number;
  /**
   * Objects re-scanned per run (a uniform random sample of the candidates).
   * @default 25
   */
  readonly sampleSize?: number;
}

/**
 * The leak canary: EventBridge Scheduler invokes a function that re-scans a random sample of recent
 * objects under `outbound/` with the gateway's detectors. Its role reads that prefix only (object
 * reads on it, a listing conditioned on it, decryption through S3 only) and writes records to its
 * own prefixes of the results bucket. Each incident record written goes, through EventBridge, to
 * the security alarm topic. Failed runs and dead-lettered invocations alarm too.
 *
 * A Lambda, not the Distributed Map: a run reads a bounded sample (at most `sampleSize` objects,
 * streamed line by line), well inside one invocation; the map is for re-scanning everything, the
 * backfill's job.
 */
export class LeakCanary extends Construct {
  public readonly function: DataPlaneFunction;
  /** EventBridge Scheduler where offered, else an EventBridge rule with a schedule expression. */
  public readonly schedule: scheduler.Schedule | events.Rule;
  public readonly incidentRule: events.Rule;

  constructor(scope: Construct, id: string, props: LeakCanaryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const everyMinutes = props.everyMinutes ?? 60;
    const lookbackHours = props.lookbackHours ?? 24;
    const sampleSize = props.sampleSize ?? 25;
    const problems: string[] = [];
    if (!Number.isInteger(everyMinutes) || everyMinutes < 15 || everyMinutes > 1440) problems.push(`everyMinutes: got ${everyMinutes}; expected 15 to 1440`);
    if (!Number.isInteger(lookbackHours) || lookbackHours * 60 < everyMinutes) problems.push(`lookbackHours: got ${lookbackHours}; expected whole hours covering at least one interval`);
    if (!Number.isInteger(sampleSize) || sampleSize < 1 || sampleSize > 1000) problems.push(`sampleSize: got ${sampleSize}; expected 1 to 1000`);
    if (!props.outboundPrefix.endsWith('/')) problems.push(`outboundPrefix: got "${props.outboundPrefix}"; expected a prefix ending in /`);
    if (problems.length > 0) throw new Error(`LeakCanary: ${problems.join('; ')}`);

    this.function = new DataPlaneFunction(this, 'Canary', {
      entry: join(__dirname, '..', '..', 'lambda', 'leak-canary', 'handler.ts'),
      description: 'Leak canary: re-scans a sample of recent outbound objects for identifiers that should never leave',
      environmentKey: props.environmentKey,
      logsKey: props.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      vpc: props.network.vpc,
      xrayEndpoint: props.network.xrayEndpoint,
      memorySize: 1024,
      timeout: Duration.minutes(10),
      reservedConcurrentExecutions: 1,
      retryAttempts: 0,
      environment: {
        OUTBOUND_BUCKET: props.outbound.bucket.bucketName,
        OUTBOUND_PREFIX: props.outboundPrefix,
        RESULTS_BUCKET: props.results.bucket.bucketName,
        LOOKBACK_HOURS: String(lookbackHours),
        MAX_OBJECTS: String(sampleSize),
      },
    });
    const role = this.function.role;
    grantObjectRead(role, props.outbound.bucket, props.outboundPrefix);
    grantPrefixList(role, props.outbound.bucket, props.outboundPrefix);
    grantObjectWrite(role, props.results.bucket, CANARY_INCIDENTS_PREFIX);
    grantObjectWrite(role, props.results.bucket, CANARY_RUNS_PREFIX);

    const rate = Duration.minutes(everyMinutes);
    if (isOffered('AWS::Scheduler::', stack.region)) {
      const schedulerRole = new ManagedPolicyRole(this, 'ScheduleRole', {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
        description: 'EventBridge Scheduler invokes the leak canary',
      });
      this.schedule = new scheduler.Schedule(this, 'Schedule', {
        description: 'Leak canary run',
        schedule: scheduler.ScheduleExpression.rate(rate),
        target: new schedulerTargets.LambdaInvoke(this.function.function, {
          role: schedulerRole,
          deadLetterQueue: this.function.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: Duration.hours(1),
        }),
      });
    } else {
      // Where EventBridge Scheduler is not known to be offered (lib/availability.ts: aws-cn), an
      // EventBridge rule with a schedule expression runs the canary, with the same DLQ and retries.
      this.schedule = new events.Rule(this, 'ScheduleRule', {
        description: 'Leak canary run',
        schedule: events.Schedule.rate(rate),
        targets: [this.function.asEventTarget()],
      });
    }
    new FunctionHealthAlarms(this, 'CanaryHealth', { function: this.function, route: props.route, purpose: 'Leak canary' });

    allowEventBridgeToNotify(props.route);
    this.incidentRule = new events.Rule(this, 'Incident', {
      ruleName: `${stack.stackName}-LeakCanaryIncident`,
      description: 'The leak canary found an identifier (or an undeclared object) under outbound/',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.results.bucket.bucketName] }, object: { key: [{ prefix: CANARY_INCIDENTS_PREFIX }] } },
      },
    });
    this.incidentRule.addTarget(
      new targets.SnsTopic(props.route.topic, {
        message: events.RuleTargetInput.fromText(
          `Leak canary INCIDENT: an outbound object carries what looks like personal data. Incident record (object, rule version, declaration, categories and offsets; no values): s3://${events.EventField.fromPath('$.detail.bucket.name')}/${events.EventField.fromPath('$.detail.object.key')}. Stop delivery of that rule and follow docs/runtime-checks.md.`,
        ),
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
        deadLetterQueue: this.function.deadLetterQueue,
      }),
    );
  }
}
