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

const CLOUDHSM_PROVIDER_WILDCARD_REASON =
  'The CloudHSM key store provider calls APIs that accept no resource ARN, so IAM only takes Resource "*": the custom key ' +
  'store operations, kms:CreateKey, cloudhsm:DescribeClusters and X-Ray. Each statement is narrowed by conditions (home region; ' +
  'key origin AWS_CLOUDHSM, SYMMETRIC_DEFAULT; request tags of the data class); what it may do to the key it created is granted ' +
  'in that key\'s own policy, not here.';

/** Buckets in every stack, by their stack-relative construct path. */
const CLASSIFIED_BUCKETS = ['C3Store/Bucket/Resource', 'C2Store/Bucket/Resource', 'C1Store/Bucket/Resource', 'Landing/Bucket/Resource'];
const ACCESS_LOG_BUCKETS = ['AccessLogs/Bucket/Resource'];
const PACKS = ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'] as const;

function forEach(ruleSuffix: string, constructs: readonly string[], reason: string): Acknowledgement[] {
  return PACKS.flatMap((pack) =>
    constructs.map((construct) => ({ ruleId: `${pack}-${ruleSuffix}`, construct, reason, owner: SECURITY, reviewBy: REVIEW_BY })),
  );
}

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
  {
    ruleId: 'AwsSolutions-IAM5[Resource::*]',
    construct: 'C3HsmKeyStore/ProviderPolicy/Resource',
    reason: CLOUDHSM_PROVIDER_WILDCARD_REASON,
    owner: SECURITY,
    reviewBy: REVIEW_BY,
  },
];
