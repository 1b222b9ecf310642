import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { DataPlaneFunction } from './data-plane-function';

/** The security alarm topic and its key: where runtime findings are raised, as the CIS alarms are. */
export interface AlarmRoute {
  readonly topic: sns.ITopic;
  /** The topic's key (the audit key): EventBridge needs its consent to publish. */
  readonly topicKey: kms.IKey;
}

const consented = new WeakSet<kms.IKey>();

/**
 * Lets EventBridge rules of this account publish to the encrypted alarm topic (SNS encrypts with the
 * topic key on the publisher's behalf). Added once per key.
 */
export function allowEventBridgeToNotify(route: AlarmRoute): void {
  if (consented.has(route.topicKey)) return;
  const stack = Stack.of(route.topic);
  const added = route.topicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgeRulesOfThisAccountNotifyAlarmTopic',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );
  if (!added.statementAdded) throw new Error('alarm route: the topic key is imported, so EventBridge could never publish to the topic; pass a key this app owns');
  consented.add(route.topicKey);
}

export interface FunctionHealthAlarmsProps {
  readonly function: DataPlaneFunction;
  readonly route: AlarmRoute;
  /** What the function is, in the alarm descriptions. */
  readonly purpose: string;
}

/**
 * Alarms on a function's errors and on anything in its dead-letter queue, into the alarm topic.
 * Named `<stack>-<id>...`: the audit key lets CloudWatch publish only for alarms with the stack prefix.
 */
export class FunctionHealthAlarms extends Construct {
  public readonly errors: cloudwatch.Alarm;
  public readonly deadLetters: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FunctionHealthAlarmsProps) {
    super(scope, id);
    const prefix = `${Stack.of(this).stackName}-${id}`;
    const notify = new cloudwatchActions.SnsAction(props.route.topic);
    this.errors = new cloudwatch.Alarm(this, 'Errors', {
      alarmName: `${prefix}-Errors`,
      alarmDescription: `${props.purpose}: the function failed (a check that cannot run proves nothing)`,
      metric: props.function.function.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetters = new cloudwatch.Alarm(this, 'DeadLetters', {
      alarmName: `${prefix}-DeadLetters`,
      alarmDescription: `${props.purpose}: an invocation was dead-lettered after its retries`,
      metric: props.function.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.errors, this.deadLetters]) alarm.addAlarmAction(notify);
  }
}
