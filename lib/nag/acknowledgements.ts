import { countryOf, partitionOf } from '../../lambda/core/regions';
import type { ResidencyConfig } from '../config';
import type { Acknowledgement } from './acknowledgement-register';
import { guardRuleId } from './guard';
import { isOffered } from '../availability';
import { runtimeCheckAcknowledgements } from '../runtime-checks/acknowledgements';

const SECURITY = 'security-engineering';
const REVIEW_BY = '2027-06-30';

const REPLICATION_REASON =
  'Residency: raw personal data must stay in its home region (PIPL Art. 38-40, CAC 2024 Provisions), so objects are never ' +
  'replicated to another region; availability comes from S3 eleven-nines durability, versioning and in-region AWS Backup. ' +
  'Only desensitized output leaves, through the transfer gateway.';
const ACCESS_LOG_SSE_S3_REASON =
  'S3 server access log delivery only supports SSE-S3 target buckets (no SSE-KMS); this bucket holds request metadata ' +
  'only, never records, blocks public access, requires TLS and expires objects after the log retention period.';

const CLOUDHSM_PROVIDER_WILDCARD_REASON =
  'The CloudHSM key store provider calls APIs that accept no resource ARN, so IAM only takes Resource "*": the custom key ' +
  'store operations, kms:CreateKey, cloudhsm:DescribeClusters and X-Ray. Each statement is narrowed by conditions (home region; ' +
  'key origin AWS_CLOUDHSM, SYMMETRIC_DEFAULT; request tags of the data class); what it may do to the key it created is granted ' +
  'in that key\'s own policy, not here.';

/** Buckets in every stack, by their stack-relative construct path. */
const CLASSIFIED_BUCKETS = [
  'C3Store/Bucket/Resource',
  'C2Store/Bucket/Resource',
  'C1Store/Bucket/Resource',
  'Landing/Bucket/Resource',
  'Gateway/Ledger/Store/Bucket/Resource',
  'Incidents/Store/Bucket/Resource',
];
const ACCESS_LOG_BUCKETS = ['AccessLogs/Bucket/Resource'];
const PACKS = ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'] as const;

function forEach(ruleSuffix: string, constructs: readonly string[], reason: string): Acknowledgement[] {
  return PACKS.flatMap((pack) =>
    constructs.map((construct) => ({ ruleId: `${pack}-${ruleSuffix}`, construct, reason, owner: SECURITY, reviewBy: REVIEW_BY })),
  );
}

// ---------------------------------------------------------------------------------------------
// Issue 4: immutable audit and least-privilege human access
// ---------------------------------------------------------------------------------------------

const AUDIT_RECORD_REPLICATION_REASON =
  'The audit record names people, source addresses and the objects of raw personal data, so it stays in the home region ' +
  'with the data it describes. Its integrity does not rest on a second copy: S3 Object Lock in COMPLIANCE mode stops every ' +
  'principal, the account root included, from deleting or overwriting a version before its retention ends; the bucket is ' +
  'versioned, and CloudTrail log-file validation writes signed, chained hourly digests.';
const HUMAN_ACCOUNT_WIDE_REASON =
  'People\'s roles: the statements on "*" hold only list, describe and read actions that enumerate or summarise the account ' +
  '(ListKeys, ListAliases, DescribeTrails, LookupEvents, DescribeAlarms, GetMetricData, credential reports) and name no single ' +
  'resource. No action wildcards are granted, none of these actions returns records of the classified stores, and every ' +
  'action on a specific resource is scoped to this stack\'s keys, buckets, tables, trail, log group, alarms or analyzers.';
const HUMAN_BOUNDARY_REASON =
  'Permissions boundary of people\'s roles: it grants nothing by itself, it is the ceiling of what a role may be granted. Its ' +
  'single Allow lists explicit actions (no action wildcards) on "*" because a ceiling limits actions, while each role\'s own ' +
  'policy scopes resources; its Deny statements keep people inside the allowed regions, off KMS outside the home region, ' +
  'and away from every cryptographic use of C2/C3 keys.';

/** Acknowledgements of the audit trail, the human roles and their boundary (issue 4). */
export const AUDIT_AND_ACCESS_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  ...forEach('S3BucketReplicationEnabled', ['AuditTrail/Record/Bucket/Resource'], AUDIT_RECORD_REPLICATION_REASON),
  ...['HumanPermissions/OperatorPolicy/Resource', 'HumanPermissions/AuditorPolicy/Resource', 'HumanPermissions/KeyAdministratorPolicy/Resource'].map(
    (construct) => ({ ruleId: 'AwsSolutions-IAM5[Resource::*]', construct, reason: HUMAN_ACCOUNT_WIDE_REASON, owner: SECURITY, reviewBy: REVIEW_BY }),
  ),
  { ruleId: 'AwsSolutions-IAM5[Resource::*]', construct: 'RegionGuardrail/Boundary/Resource', reason: HUMAN_BOUNDARY_REASON, owner: SECURITY, reviewBy: REVIEW_BY },
];

// ---------------------------------------------------------------------------------------------
// Issue 5: the transfer gateway
// ---------------------------------------------------------------------------------------------
function ack(ruleId: string, construct: string, reason: string): Acknowledgement {
  return { ruleId, construct, reason, owner: SECURITY, reviewBy: REVIEW_BY };
}

const OUTBOUND_NOT_REPLICATED_REASON =
  'The outbound bucket holds desensitized output for a destination in another partition (China to abroad), where S3 ' +
  'replication cannot reach; delivery is an application-level push with a ledger receipt for every object. Nothing ' +
  'raw is ever in this bucket.';
const PUSH_OUTSIDE_VPC_REASON =
  'Cross-partition delivery and its credential rotation must reach the other partition\'s public S3, IAM and STS ' +
  'endpoints over TLS; the private network has no route to the internet by design (the gateway that reads raw data runs ' +
  'there). These functions only read declared, desensitized output and their own credentials secret.';
const PREFIX_SCOPED_REASON =
  'Object-level permission scoped to one prefix of one bucket (or log streams of the function\'s own log group, or ' +
  'backups of the named tables): S3, Logs and DynamoDB backups have no narrower resource than the prefix wildcard.';
const NO_RESOURCE_LEVEL_REASON =
  'Actions without resource-level permissions only: X-Ray trace segments, ENI management for VPC placement (limited to ' +
  'the home region), tag:GetResources for AWS Backup and Secrets Manager GetRandomPassword. No action wildcards.';
const REPLICATION_SCOPE_REASON =
  'S3 replication of the outbound prefix of one destination region only, into that region\'s landing bucket; the replica ' +
  'key is chosen by its alias (kms:ResourceAliases condition) through S3 in that region only, since the key id is not ' +
  'known in the home stack.';
const MAP_RUN_REASON =
  'The distributed map starts, describes and stops the child executions of its own state machine; their ARNs are only ' +
  'known at run time, so the grant is on this state machine\'s executions.';

/** Gateway roles, by stack-relative path of their managed policy, and the prefix-scoped findings on each. */
function gatewayAcknowledgements(config: ResidencyConfig): Acknowledgement[] {
  const pushed = config.allowedDestinationRegions.filter((r) => partitionOf(r) !== partitionOf(config.homeRegion));
  const rotations = pushed.map((region) => `Delivery/Credentials-${region}/Rotate`);
  const delivery = pushed.length > 0 ? ['Delivery/Deliver'] : [];
  const outsideVpc = [...delivery, ...rotations];
  // The delivery role needs unscoped actions only for X-Ray (where its region traces Lambda) or for
  // VPC placement (when no destination is pushed across partitions).
  const deliverUnscoped = pushed.length === 0 || isOffered('lambda:xray-tracing', config.homeRegion);
  // The split state machine's role needs an unscoped action only for X-Ray (where its region traces Step Functions).
  const splitTraced = isOffered('stepfunctions:xray-tracing', config.homeRegion);
  const roles = ['Gateway/Gateway', 'Backfill', ...(splitTraced ? ['Gateway/Split'] : []), 'C2Backup', 'C1Backup', 'AuditBackup', ...(deliverUnscoped ? ['Delivery/Deliver'] : []), ...rotations];
  const policy = (role: string) => `${role}/Role/Permissions/Resource`;
  const tablePrefix = (dataClass: string) => `${dataClass}${countryOf(config.homeRegion)}Records`;
  const replicated = config.allowedDestinationRegions.filter((r) => !pushed.includes(r));
  const account = (region: string) => config.accounts.destinations?.[region] ?? config.accounts.home ?? '<AWS::AccountId>';
  const replication = replicated.flatMap((region) => [
    `arn:<AWS::Partition>:kms:${region}:<AWS::AccountId>:key/*`,
    `arn:<AWS::Partition>:s3:::${config.projectName}-landing-${account(region)}-${region}/outbound/${region}/*`,
    `arn:<AWS::Partition>:s3:::${config.projectName}-outbound-<AWS::AccountId>-{region}/outbound/${region}/*`,
  ]);
  return [
    ...replication.map((resource) => ack(`AwsSolutions-IAM5[Resource::${resource}]`, 'Delivery/ReplicationRole/Permissions/Resource', REPLICATION_SCOPE_REASON)),
    ...(pushed.length > 0 ? forEach('S3BucketReplicationEnabled', ['Gateway/Outbound/Bucket/Resource'], OUTBOUND_NOT_REPLICATED_REASON) : []),
    ...forEach('LambdaInsideVPC', outsideVpc.map((f) => `${f}/Function/Resource`), PUSH_OUTSIDE_VPC_REASON),
    ...outsideVpc.map((f) => ack(guardRuleId('CT.LAMBDA.PR.3'), `${f}/Function/Resource`, PUSH_OUTSIDE_VPC_REASON)),
    ...[...new Set(roles)].map((role) => ack('AwsSolutions-IAM5[Resource::*]', policy(role), NO_RESOURCE_LEVEL_REASON)),
    ack('AwsSolutions-IAM5[Resource::<{logical:C2Store/Bucket/Resource}.Arn>/raw/*]', policy('Gateway/Gateway'), PREFIX_SCOPED_REASON),
    ack('AwsSolutions-IAM5[Resource::<{logical:C2Store/Bucket/Resource}.Arn>/quarantine/*]', policy('Gateway/Gateway'), PREFIX_SCOPED_REASON),
    ...['outbound', 'staging'].map((prefix) =>
      ack(`AwsSolutions-IAM5[Resource::<{logical:Gateway/Outbound/Bucket/Resource}.Arn>/${prefix}/*]`, policy('Gateway/Gateway'), PREFIX_SCOPED_REASON),
    ),
    ...['Gateway/Gateway', 'Delivery/Deliver'].map((role) =>
      ack('AwsSolutions-IAM5[Resource::<{logical:Gateway/Ledger/Store/Bucket/Resource}.Arn>/ledger/*]', policy(role), PREFIX_SCOPED_REASON),
    ),
    ack(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${config.projectName}-outbound-<AWS::AccountId>-{region}/outbound/*]`,
      policy('Delivery/Deliver'),
      PREFIX_SCOPED_REASON,
    ),
    ack('AwsSolutions-IAM5[Resource::<{logical:C2Store/Bucket/Resource}.Arn>/backfill-results/*]', policy('Backfill'), PREFIX_SCOPED_REASON),
    ...['Backfill', 'Gateway/Split'].map((machine) =>
      ack('AwsSolutions-IAM5[Resource::<{logical:Gateway/Gateway/Function/Resource}.Arn>:*]', policy(machine), 'Invoking the gateway function, any version or alias of it (the task invokes the published function).'),
    ),
    ...[
      ['Backfill', 'Backfill'],
      ['Gateway/Split', 'Split'],
    ].flatMap(([machine, label]) =>
      [`/${label}:*`, ':*'].map((suffix) =>
        ack(
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:{region}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"{logical:${machine}/StateMachine/Resource}"}]}]}${suffix}]`,
          `${machine}/MapRunPermissions/Resource`,
          MAP_RUN_REASON,
        ),
      ),
    ),
    ...[
      ['C2Backup', `${tablePrefix('C2')}`],
      ['C1Backup', `${tablePrefix('C1')}`],
      ['C1Backup', 'Gateway/Idempotency'],
      ['C1Backup', 'Gateway/Headcount'],
      ['AuditBackup', 'Gateway/Ledger/Head'],
    ].map(([backup, table]) => ack(`AwsSolutions-IAM5[Resource::<{logical:${table}/Table/Resource}.Arn>/backup/*]`, policy(backup), PREFIX_SCOPED_REASON)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Control Tower proactive controls (cfn-guard) that conflict with the design
// ---------------------------------------------------------------------------------------------
const SHORT_LOG_RETENTION_REASON =
  'Operational logs are kept at most 90 days by design (data minimization: PIPL Art. 19, GDPR Art. 5(1)(e)); the long-term ' +
  'evidence is the immutable audit record (CloudTrail to an Object Lock COMPLIANCE bucket) and the declaration ledger.';
const ERASABLE_DATA_REASON =
  'Object Lock is used where immutability is the control (audit record, declaration ledger). Customer data and logs must ' +
  'stay erasable on schedule and on request (PIPL Art. 47, GDPR Art. 17), and S3 cannot deliver access logs to a bucket with ' +
  'Object Lock; these buckets are versioned, with public access blocked and TLS required.';
const ACCESS_LOG_TARGET_REASON =
  'Target of S3 server access logs: S3 delivers them only to an SSE-S3 bucket, and logging a log bucket into itself would ' +
  'loop; it holds request metadata, never records, and expires with the log retention.';

function guardAcknowledgements(config: ResidencyConfig): Acknowledgement[] {
  const pushed = config.allowedDestinationRegions.filter((r) => partitionOf(r) !== partitionOf(config.homeRegion));
  const logGroups = [
    'AuditTrail/Events/LogGroup/Resource',
    'Backfill/Logs/LogGroup/Resource',
    'Gateway/Split/Logs/LogGroup/Resource',
    'Gateway/Gateway/Logs/LogGroup/Resource',
    'Delivery/Deliver/Logs/LogGroup/Resource',
    `${DEFAULT_SG_CLOSER}/Logs/LogGroup/Resource`,
    ...pushed.map((r) => `Delivery/Credentials-${r}/Rotate/Logs/LogGroup/Resource`),
  ];
  const erasable = ['C3Store/Bucket/Resource', 'C2Store/Bucket/Resource', 'C1Store/Bucket/Resource', 'Landing/Bucket/Resource', 'AccessLogs/Bucket/Resource', 'Gateway/Outbound/Bucket/Resource'];
  return [
    ...logGroups.map((g) => ack(guardRuleId('CT.CLOUDWATCH.PR.2'), g, SHORT_LOG_RETENTION_REASON)),
    ...erasable.map((b) => ack(guardRuleId('CT.S3.PR.9'), b, ERASABLE_DATA_REASON)),
    ack(guardRuleId('CT.S3.PR.2'), 'AccessLogs/Bucket/Resource', ACCESS_LOG_TARGET_REASON),
    ack(guardRuleId('CT.S3.PR.10'), 'AccessLogs/Bucket/Resource', ACCESS_LOG_TARGET_REASON),
    ack(guardRuleId('CT.LAMBDA.PR.3'), `${DEFAULT_SG_CLOSER}/Function/Resource`, DEFAULT_SG_CLOSER_REASON),
  ];
}

/** The function that closes the VPC's default security group at deploy time (private-network.ts). */
const DEFAULT_SG_CLOSER = 'Network/Vpc/RestrictDefaultSecurityGroupCustomResource/Handler';
const DEFAULT_SG_CLOSER_REASON =
  'Closes the VPC\'s default security group at deploy time: it runs once per deployment, calls only the EC2 API on that ' +
  'one security group, and touches no data; inside the isolated subnets it would need an EC2 endpoint for that one call.';

function defaultSecurityGroupAcknowledgements(config: ResidencyConfig): Acknowledgement[] {
  return [
    ...forEach('LambdaInsideVPC', [`${DEFAULT_SG_CLOSER}/Function/Resource`], DEFAULT_SG_CLOSER_REASON),
    // Traced where the region offers X-Ray for Lambda: X-Ray's PutTraceSegments has no resource-level permissions.
    ...(isOffered('lambda:xray-tracing', config.homeRegion)
      ? [ack('AwsSolutions-IAM5[Resource::*]', `${DEFAULT_SG_CLOSER}/Role/Permissions/Resource`, NO_RESOURCE_LEVEL_REASON)]
      : []),
  ];
}

const INCIDENTS_OUTSIDE_VPC_REASON =
  'The incident function reads and writes incident records (ids, types, counts, times: no customer data) and publishes ' +
  'to the alarm topic; the private network has no SNS endpoint, and it must keep working when the network is what the ' +
  'incident is about. It holds no credentials and no access to any data store.';

/** The incident function (incident-response.ts) and the subject-requests function (subject-rights.ts). */
function incidentAndSubjectAcknowledgements(config: ResidencyConfig): Acknowledgement[] {
  const fn = 'Incidents/Respond';
  const policy = `${fn}/Role/Permissions/Resource`;
  const subjects = 'Subjects/Requests/Role/Permissions/Resource';
  const bucketPrefix = (bucket: string, prefix: string) => `AwsSolutions-IAM5[Resource::<{logical:${bucket}/Bucket/Resource}.Arn>/${prefix}*]`;
  return [
    ack(guardRuleId('CT.CLOUDWATCH.PR.2'), 'Subjects/Requests/Logs/LogGroup/Resource', SHORT_LOG_RETENTION_REASON),
    ack('AwsSolutions-IAM5[Resource::*]', subjects, NO_RESOURCE_LEVEL_REASON),
    ...['C3Store', 'C2Store', 'C1Store'].map((store) => ack(bucketPrefix(store, 'raw/'), subjects, PREFIX_SCOPED_REASON)),
    ...[subjects, 'Gateway/Gateway/Role/Permissions/Resource'].map((role) => ack(bucketPrefix('C1Store', 'subjects/'), role, PREFIX_SCOPED_REASON)),
    ack(bucketPrefix('Gateway/Ledger/Store', 'ledger/'), subjects, PREFIX_SCOPED_REASON),
    ack(bucketPrefix('Gateway/Outbound', 'outbound/'), subjects, PREFIX_SCOPED_REASON),
    ...forEach('LambdaInsideVPC', [`${fn}/Function/Resource`], INCIDENTS_OUTSIDE_VPC_REASON),
    ack(guardRuleId('CT.LAMBDA.PR.3'), `${fn}/Function/Resource`, INCIDENTS_OUTSIDE_VPC_REASON),
    ack(guardRuleId('CT.CLOUDWATCH.PR.2'), `${fn}/Logs/LogGroup/Resource`, SHORT_LOG_RETENTION_REASON),
    // Traced where the region offers X-Ray for Lambda: X-Ray's PutTraceSegments has no resource-level permissions.
    ...(isOffered('lambda:xray-tracing', config.homeRegion) ? [ack('AwsSolutions-IAM5[Resource::*]', policy, NO_RESOURCE_LEVEL_REASON)] : []),
    ...['incidents/*', 'index/open/*', 'index/closed/*'].map((prefix) =>
      ack(`AwsSolutions-IAM5[Resource::<{logical:Incidents/Store/Bucket/Resource}.Arn>/${prefix}]`, policy, PREFIX_SCOPED_REASON),
    ),
  ];
}

const CLOUDHSM_PROVIDER_OUTSIDE_VPC_REASON =
  'Deploy-time custom resource provider of the CloudHSM key store: it runs only when the stack is deployed, calls the KMS, ' +
  'CloudHSM and Secrets Manager control-plane APIs (no VPC endpoint exists in the private network for the latter two) and ' +
  'reads no customer data.';

/** The CloudHSM key store's provider (only when `cloudHsm.enabled`). */
function cloudHsmAcknowledgements(): Acknowledgement[] {
  const provider = 'C3HsmKeyStore/Provider/Resource';
  return [
    ack('AwsSolutions-IAM5[Resource::*]', 'C3HsmKeyStore/ProviderPolicy/Resource', CLOUDHSM_PROVIDER_WILDCARD_REASON),
    ...forEach('LambdaInsideVPC', [provider], CLOUDHSM_PROVIDER_OUTSIDE_VPC_REASON),
    ack(guardRuleId('CT.LAMBDA.PR.3'), provider, CLOUDHSM_PROVIDER_OUTSIDE_VPC_REASON),
    ack(guardRuleId('CT.CLOUDWATCH.PR.2'), 'C3HsmKeyStore/ProviderLogs/LogGroup/Resource', SHORT_LOG_RETENTION_REASON),
  ];
}

/**
 * Every acknowledged finding of this project for a configuration, with its reason, owner and
 * review date. Keep it short: fix the resource first; acknowledge only a real conflict (e.g. a pack
 * that wants cross-region replication of data whose residency forbids it). Entries depend on the
 * configuration only where paths or ids do (home region, cross-partition destinations).
 */
export function acknowledgementsFor(config: ResidencyConfig): Acknowledgement[] {
  return [
    ...forEach('S3BucketReplicationEnabled', [...CLASSIFIED_BUCKETS, ...ACCESS_LOG_BUCKETS], REPLICATION_REASON),
    ...forEach('S3DefaultEncryptionKMS', ACCESS_LOG_BUCKETS, ACCESS_LOG_SSE_S3_REASON),
    ...AUDIT_AND_ACCESS_ACKNOWLEDGEMENTS,
    ...gatewayAcknowledgements(config),
    ...(config.cloudHsm.enabled ? cloudHsmAcknowledgements() : []),
    ...guardAcknowledgements(config),
    ...defaultSecurityGroupAcknowledgements(config),
    ...runtimeCheckAcknowledgements(config),
    ...incidentAndSubjectAcknowledgements(config),
  ];
}
