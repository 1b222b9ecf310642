import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Partition } from '../../lambda/core/regions';
import { tagClassified } from './tag-classified';
import { MAX_FILTER_PATTERN_LENGTH, type SecurityAlarmDefinition, securityAlarmDefinitions } from './security-alarm-definitions';

export interface SecurityAlarmsProps {
  /** The CloudWatch Logs copy of the CloudTrail events. */
  readonly trailLogGroup: logs.ILogGroup;
  /** Key of the alarm topic (the audit key): alarm texts name resources and people. */
  readonly encryptionKey: kms.IKey;
  /** Region whose law governs the notifications; written to the topic's `residency` tag. */
  readonly residency: string;
  /** Partition of the account: decides whether the root-usage alarm (CIS 4.3) exists. */
  readonly partition: Partition;
  /** Regions where API calls are expected; a call anywhere else raises the residency alarm. */
  readonly allowedRegions: readonly string[];
  /** The break-glass role: any use of it raises an alarm. */
  readonly breakGlassRole: iam.IRole;
  /**
   * Prefix of every alarm name; the audit key lets CloudWatch use it only for alarms with this prefix.
   * @default - the stack name
   */
  readonly alarmNamePrefix?: string;
  /**
   * Namespace of the metrics the filters publish.
   * @default 'PaymentDataResidency/Security'
   */
  readonly metricNamespace?: string;
  /**
   * Email addresses subscribed to the alarm topic (each must confirm the subscription).
   * @default - none
   */
  readonly emailSubscribers?: readonly string[];
  /**
   * HTTPS endpoints subscribed to the alarm topic (e.g. an incident tool's webhook).
   * @default - none
   */
  readonly httpsSubscribers?: readonly string[];
}

/**
 * A metric filter and an alarm for each CIS AWS Foundations 4.x control, API calls outside the
 * allowed regions and break-glass use, all notifying one SNS topic that is encrypted with the audit
 * key and accepts only TLS publishers. Every alarm fires on the first matching event.
 */
export class SecurityAlarms extends Construct {
  public readonly topic: sns.Topic;
  /** Prefix of every alarm's name (`<prefix>-<definition id>`). */
  public readonly alarmNamePrefix: string;
  public readonly definitions: readonly SecurityAlarmDefinition[];
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly metricFilters: logs.MetricFilter[] = [];

  constructor(scope: Construct, id: string, props: SecurityAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = props.alarmNamePrefix ?? stack.stackName;
    if (Token.isUnresolved(prefix) || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(prefix)) {
      throw new Error(`SecurityAlarms alarmNamePrefix: got "${prefix}"; expected up to 101 letters, digits, '.', '_' or '-' known at synth time`);
    }
    this.alarmNamePrefix = prefix;
    const namespace = props.metricNamespace ?? 'PaymentDataResidency/Security';
    this.definitions = securityAlarmDefinitions({
      partition: props.partition,
      allowedRegions: props.allowedRegions,
      breakGlassRoleArn: props.breakGlassRole.roleArn,
    });
    const tooLong = this.definitions.filter((d) => !Token.isUnresolved(d.filterPattern) && d.filterPattern.length > MAX_FILTER_PATTERN_LENGTH);
    if (tooLong.length > 0) {
      throw new Error(`SecurityAlarms: filter patterns longer than ${MAX_FILTER_PATTERN_LENGTH} characters: ${tooLong.map((d) => d.id).join(', ')}`);
    }

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${prefix} security alarms`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    tagClassified(this.topic, 'audit', props.residency);
    this.allowAlarmsToPublish(props.encryptionKey, prefix);
    for (const email of props.emailSubscribers ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const url of props.httpsSubscribers ?? []) {
      this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }

    const notify = new cloudwatchActions.SnsAction(this.topic);
    for (const definition of this.definitions) {
      const filter = new logs.MetricFilter(this, `${definition.id}Filter`, {
        logGroup: props.trailLogGroup,
        filterPattern: logs.FilterPattern.literal(definition.filterPattern),
        metricNamespace: namespace,
        metricName: definition.id,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, `${definition.id}Alarm`, {
        alarmName: `${prefix}-${definition.id}`,
        alarmDescription: `${definition.control}: ${definition.description}`,
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
      this.metricFilters.push(filter);
      this.alarms.push(alarm);
    }
  }

  /**
   * CloudWatch publishes to an encrypted topic only with the key's consent and the topic's. Both
   * grants are pinned to this account's alarms with our prefix (confused-deputy protection).
   */
  private allowAlarmsToPublish(key: kms.IKey, prefix: string): void {
    const stack = Stack.of(this);
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${prefix}-*` },
    };
    const added = key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsUseKeyForAlarmTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    if (!added.statementAdded) {
      throw new Error('SecurityAlarms encryptionKey: the key is imported, so CloudWatch cannot be allowed to use it and alarms would never arrive; pass a key this app owns');
    }
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
  }
}
