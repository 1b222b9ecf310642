import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { alarmPoints } from '../../lambda/core/assessment/headcount-thresholds';

/** Namespace and name of the distinct-subject gauge the gateway publishes. */
export const HEADCOUNT_NAMESPACE = 'PaymentDataResidency';
export const HEADCOUNT_METRIC = 'DistinctSubjects';

export interface HeadcountAlarmsProps {
  /** The exporter id the gateway publishes under (`<account>/<home region>`). */
  readonly exporter: string;
  /** Whether the exporter is a critical information infrastructure operator (lower thresholds). */
  readonly ciio: boolean;
  /** Who is told. */
  readonly topic: sns.ITopic;
  /**
   * Sensitivities tracked.
   * @default ['sensitive'] - payment records carry financial accounts (PIPL Art. 28)
   */
  readonly kinds?: ReadonlyArray<'personal' | 'sensitive'>;
}

/**
 * Alarms at 80% and 100% of every CAC 2024 threshold on the live distinct-subject count, so
 * compliance acts (standard contract filing, security assessment) before the obligation changes,
 * not after a regulator's visit. Thresholds come from the assessment core, the same table
 * `residency assess` decides with.
 */
export class HeadcountAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: HeadcountAlarmsProps) {
    super(scope, id);
    for (const kind of props.kinds ?? ['sensitive']) {
      const metric = new cloudwatch.Metric({
        namespace: HEADCOUNT_NAMESPACE,
        metricName: HEADCOUNT_METRIC,
        dimensionsMap: { Exporter: props.exporter, Kind: kind },
        statistic: 'Maximum',
        period: Duration.hours(1),
      });
      for (const point of alarmPoints(kind, { ciio: props.ciio })) {
        for (const [level, count] of [['Warning', point.warnAt], ['Reached', point.alarmAt]] as const) {
          if (level === 'Warning' && point.warnAt === point.alarmAt) continue; // a threshold of 1 has no 80% point
          const alarm = new cloudwatch.Alarm(this, `${kind}-${point.threshold}-${level}`, {
            alarmDescription:
              `${level === 'Warning' ? '80% of' : 'Reached'} the CAC threshold of ${point.threshold.toLocaleString('en-US')} ${kind} individuals ` +
              `(${point.provision}): ${point.mechanismAtThreshold.replace(/_/g, ' ')} becomes required`,
            metric,
            threshold: count,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          });
          alarm.addAlarmAction(new actions.SnsAction(props.topic));
          this.alarms.push(alarm);
        }
      }
    }
  }
}
