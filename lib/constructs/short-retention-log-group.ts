import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CLOUDWATCH_RETENTION_DAYS, LOG_RETENTION_CEILING_DAYS } from '../config';
import { tagClassified } from './tag-classified';

export interface ShortRetentionLogGroupProps {
  /** The logs key. Encryption with it cannot be overridden. */
  readonly encryptionKey: kms.IKey;
  /** Days the log events are kept: at most 90 (short retention is a data-minimization control). */
  readonly retentionDays: number;
  /** Region whose law governs the logs; written to the `residency` tag. */
  readonly residency: string;
  /**
   * Name of the log group (e.g. `/aws/lambda/<function>` for a function's own group).
   * @default - a generated name
   */
  readonly logGroupName?: string;
  /**
   * What happens to the log group when the stack is deleted: logs are short-lived by design.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Maps whole days to the CloudWatch enum, refusing values above the ceiling or not accepted by CloudWatch. */
export function retentionFromDays(days: number): logs.RetentionDays {
  if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days) || days > LOG_RETENTION_CEILING_DAYS) {
    throw new Error(
      `log retention: got ${days} days; expected one of ${CLOUDWATCH_RETENTION_DAYS.join(', ')} (ceiling ${LOG_RETENTION_CEILING_DAYS})`,
    );
  }
  return days as logs.RetentionDays;
}

/** A CloudWatch log group with an explicit, short retention, encrypted with the logs key. */
export class ShortRetentionLogGroup extends Construct {
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ShortRetentionLogGroupProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: retentionFromDays(props.retentionDays),
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    tagClassified(this.logGroup, 'logs', props.residency);
  }
}
