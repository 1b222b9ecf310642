import type { Acknowledgement } from '../nag/acknowledgement-register';
import { guardRuleId } from '../nag/guard';
import { isOffered } from '../availability';
import type { ResidencyConfig } from '../config';

const SECURITY = 'security-engineering';
const REVIEW_BY = '2027-06-30';
const ack = (ruleId: string, construct: string, reason: string): Acknowledgement => ({ ruleId, construct, reason, owner: SECURITY, reviewBy: REVIEW_BY });

const EVALUATOR = 'RuntimeChecks/Evaluator';
const CANARY = 'LeakCanary/Canary';

const EVALUATOR_OUTSIDE_VPC =
  'The AWS Config custom rule reads configuration items (resource metadata: names, tags, encryption and replication settings), ' +
  'never customer data, and must reach the AWS Config API to report evaluations; the private network has no route out and no ' +
  'Config endpoint. The records-reading leak canary does run in the private network.';
const EVIDENCE_NOT_REPLICATED =
  'The runtime evidence (AWS Config history, leak-canary records) names the resources and objects of the home region and stays ' +
  'with them; its integrity rests on S3 Object Lock in COMPLIANCE mode, not on a copy abroad.';
const SHORT_LOG_RETENTION =
  'Operational logs are kept at most 90 days by design (data minimization: PIPL Art. 19, GDPR Art. 5(1)(e)); the lasting record ' +
  'of these checks is the Object Lock evidence bucket and the AWS Config history.';
const CONFIG_INVOKE_PERMISSION =
  'AWS Config invokes the custom rule under a permission limited to this account (SourceAccount = AWS::AccountId). A SourceArn of ' +
  'the rule cannot be given: Config refuses to create a rule whose function it cannot yet invoke. The synth-time check cannot read ' +
  'the account pseudo parameter; Control Tower\'s proactive hook at deploy sees the resolved account.';
const NO_RESOURCE_LEVEL =
  'Actions without resource-level permissions only: config:PutEvaluations and config:GetResourceConfigHistory (limited to the home ' +
  'region), X-Ray trace segments, and ENI management for the private network (home region). No action wildcards.';
const PREFIX_SCOPED =
  'Object-level permission on one prefix of one bucket: the canary reads outbound/ only and writes its own incident and run ' +
  'prefixes; S3 has no narrower resource than the prefix wildcard.';
const SCHEDULE_INVOKE = 'EventBridge Scheduler invokes the leak canary function, any version of it.';

/** Acknowledgements of the runtime checks (issue 14): AWS Config twins and the leak canary. */
export function runtimeCheckAcknowledgements(config: ResidencyConfig): Acknowledgement[] {
  const policy = (role: string) => `${role}/Role/Permissions/Resource`;
  return [
    ...['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'].flatMap((pack) => [
      ack(`${pack}-LambdaInsideVPC`, `${EVALUATOR}/Function/Resource`, EVALUATOR_OUTSIDE_VPC),
      ack(`${pack}-S3BucketReplicationEnabled`, 'RuntimeChecks/Evidence/Bucket/Resource', EVIDENCE_NOT_REPLICATED),
    ]),
    ack(guardRuleId('CT.LAMBDA.PR.3'), `${EVALUATOR}/Function/Resource`, EVALUATOR_OUTSIDE_VPC),
    ack(guardRuleId('CT.LAMBDA.PR.2'), `${EVALUATOR}/Function/ConfigInvokes`, CONFIG_INVOKE_PERMISSION),
    ...[EVALUATOR, CANARY].map((fn) => ack(guardRuleId('CT.CLOUDWATCH.PR.2'), `${fn}/Logs/LogGroup/Resource`, SHORT_LOG_RETENTION)),
    ...[EVALUATOR, CANARY].map((fn) => ack('AwsSolutions-IAM5[Resource::*]', policy(fn), NO_RESOURCE_LEVEL)),
    ack('AwsSolutions-IAM5[Resource::<{logical:Gateway/Outbound/Bucket/Resource}.Arn>/outbound/*]', policy(CANARY), PREFIX_SCOPED),
    ...['canary/incidents/*', 'canary/runs/*'].map((prefix) =>
      ack(`AwsSolutions-IAM5[Resource::<{logical:RuntimeChecks/Evidence/Bucket/Resource}.Arn>/${prefix}]`, policy(CANARY), PREFIX_SCOPED),
    ),
    // The Scheduler's role exists only where EventBridge Scheduler runs the canary (see LeakCanary).
    ...(isOffered('AWS::Scheduler::', config.homeRegion)
      ? [ack('AwsSolutions-IAM5[Resource::<{logical:LeakCanary/Canary/Function/Resource}.Arn>:*]', 'LeakCanary/ScheduleRole/Permissions/Resource', SCHEDULE_INVOKE)]
      : []),
  ];
}
