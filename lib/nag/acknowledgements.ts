import type { Acknowledgement } from './acknowledgement-register';

const SECURITY = 'security-engineering';
const REVIEW_BY = '2027-06-30';

const REPLICATION_REASON =
  'Residency: raw personal data must stay in its home region (PIPL Art. 38-40, CAC 2024 Provisions), so objects are never ' +
  'replicated to another region; availability comes from S3 eleven-nines durability, versioning and in-region AWS Backup. ' +
  'Only desensitized output leaves, through the transfer gateway.';
const ACCESS_LOG_SSE_S3_REASON =
  'S3 server access log delivery only supports SSE-S3 target buckets (no SSE-KMS); this bucket holds request metadata ' +
  'only, never records, blocks public access, requires TLS and expires objects after the log retention period.';

/** Buckets in every stack, by their stack-relative construct path. */
const CLASSIFIED_BUCKETS = ['C3Store/Bucket/Resource', 'C2Store/Bucket/Resource', 'C1Store/Bucket/Resource', 'Landing/Bucket/Resource'];
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

/**
 * Every acknowledged check-pack finding of this project, with its reason, owner and review date.
 * Keep it short: fix the resource first; acknowledge only a real conflict (e.g. a pack that wants
 * cross-region replication of data whose residency forbids it).
 */
export const ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  ...forEach('S3BucketReplicationEnabled', [...CLASSIFIED_BUCKETS, ...ACCESS_LOG_BUCKETS], REPLICATION_REASON),
  ...forEach('S3DefaultEncryptionKMS', ACCESS_LOG_BUCKETS, ACCESS_LOG_SSE_S3_REASON),
  ...['C2Backup', 'C1Backup'].map((backup) => ({
    ruleId: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    construct: `${backup}/Plan/Tables/Role/Resource`,
    reason:
      'AWS Backup service role: the AWS-managed policy is the documented, AWS-maintained permission set for backup jobs; ' +
      'the role can only be assumed by the backup service principal.',
    owner: SECURITY,
    reviewBy: REVIEW_BY,
  })),
  ...AUDIT_AND_ACCESS_ACKNOWLEDGEMENTS,
];
