import { NagMessageLevel } from './cdk-nag-core';
import type { NagRule } from './nag-rule';
import type { RequirementId } from './requirements';
import type { ResidencyPolicy } from './residency-policy';
import AuditTrailImmutable from './rules/AuditTrailImmutable';
import DataClassTagged from './rules/DataClassTagged';
import DataStoreCustomerManagedKey from './rules/DataStoreCustomerManagedKey';
import HumanRoleRequiresMfa from './rules/HumanRoleRequiresMfa';
import KmsAdminsSeparateFromUsers from './rules/KmsAdminsSeparateFromUsers';
import KmsNoWildcardExceptRoot from './rules/KmsNoWildcardExceptRoot';
import LogRetentionCeiling from './rules/LogRetentionCeiling';
import NoHardcodedPartition from './rules/NoHardcodedPartition';
import NoSensitiveAuthDataField from './rules/NoSensitiveAuthDataField';
import ReplicaRegionAllowed from './rules/ReplicaRegionAllowed';
import RestrictedDataStaysHome from './rules/RestrictedDataStaysHome';
import StackRegionAllowed from './rules/StackRegionAllowed';

/** One CrossBorder rule with what the pack prints and which domain requirements it serves. */
export interface CrossBorderRuleDefinition {
  /** Builds the rule for a policy; its function name (= file name) is the rule id suffix. */
  readonly create: (policy: ResidencyPolicy) => NagRule;
  readonly level: NagMessageLevel;
  readonly requirements: readonly RequirementId[];
  /** What is wrong, as printed for each finding. */
  readonly info: (policy: ResidencyPolicy) => string;
  /** Why it matters and which requirement (PCI DSS, PIPL, CAC, GDPR) it serves. */
  readonly explanation: string;
}

/** The id the pack reports a rule under: `CrossBorder-<RuleFile>`. */
export function crossBorderRuleId(definition: CrossBorderRuleDefinition): string {
  return `CrossBorder-${definition.create.name}`;
}

const regions = (policy: ResidencyPolicy): string => policy.allowedRegions.join(', ') || 'none configured';

export const CROSS_BORDER_RULES: readonly CrossBorderRuleDefinition[] = [
  {
    create: StackRegionAllowed,
    level: NagMessageLevel.ERROR,
    requirements: ['residency'],
    info: (p) => `The resource's stack is environment-agnostic or in a region outside the residency policy (allowed: ${regions(p)}).`,
    explanation:
      'Where data is stored decides which law governs it. PIPL Art. 38-40 and the CAC Provisions on Promoting and Regulating Cross-Border Data Flows (2024) require a legal basis (security assessment, standard contract or exemption) before personal information leaves China, and GDPR Art. 44 requires one before it leaves the EU. Pin every stack to an explicit region from the residency policy.',
  },
  {
    create: ReplicaRegionAllowed,
    level: NagMessageLevel.ERROR,
    requirements: ['residency'],
    info: (p) => `The resource replicates data or key material to a region outside the residency policy, or to one the template does not show (allowed: ${regions(p)}).`,
    explanation:
      'Replication is a cross-border transfer that bypasses the transfer gateway and its declaration, monitoring and traceability (CAC Provisions 2024; PIPL Art. 38). S3 replication, DynamoDB replicas and KMS replica keys must target allowed regions, named in the same app so the region can be proven.',
  },
  {
    create: RestrictedDataStaysHome,
    level: NagMessageLevel.ERROR,
    requirements: ['residency', 'desensitization-before-transfer'],
    info: (p) => `C2/C3 data (data-class tag) is stored, replicated or keyed outside the home region (${p.homeRegion ?? 'no home region configured'}).`,
    explanation:
      'JR/T 0171-2020 C3 (authentication) and C2 (account and identity) data are sensitive personal information under PIPL Art. 28; only desensitized records may leave the home region, through the gateway (PIPL Art. 38 and 51(3); CAC Provisions 2024; PCI DSS v4.0.1 Req. 3.5.1: PAN truncated or tokenised wherever it is stored or sent). A multi-Region key for such data lets its key material be replicated abroad.',
  },
  {
    create: LogRetentionCeiling,
    level: NagMessageLevel.ERROR,
    requirements: ['short-retention'],
    info: (p) => `The CloudWatch Logs group never expires or is kept longer than ${p.maxLogRetentionDays} days.`,
    explanation:
      'Operational logs carry personal data in practice; keeping them only as long as needed is storage limitation (PIPL Art. 19; GDPR Art. 5(1)(e); PCI DSS Req. 3.2.1). The long-lived record that PCI DSS Req. 10.5.1 and Cybersecurity Law Art. 21(3) ask for is the immutable audit trail, not these logs.',
  },
  {
    create: HumanRoleRequiresMfa,
    level: NagMessageLevel.ERROR,
    requirements: ['mfa'],
    info: () => 'The role can be assumed by an account, its root, an IAM user or any principal without aws:MultiFactorAuthPresent=true.',
    explanation:
      'People reaching systems with cardholder or sensitive personal data must use multi-factor authentication (PCI DSS Req. 8.4.1 and 8.4.2; NIST SP 800-53 IA-2(1); PIPL Art. 51). Add a Bool condition on aws:MultiFactorAuthPresent to the trust statement.',
  },
  {
    create: KmsNoWildcardExceptRoot,
    level: NagMessageLevel.ERROR,
    requirements: ['least-privilege', 'key-separation'],
    info: () => 'The key policy grants kms:* (or an Allow with NotAction) to a principal other than the account root delegation.',
    explanation:
      "Access to keys is restricted to the fewest custodians necessary (PCI DSS Req. 3.6.1; PIPL Art. 51(4); NIST SP 800-53 AC-6). Only the statement delegating the key to the account's own IAM may be broad; every other principal gets the actions its duty needs.",
  },
  {
    create: KmsAdminsSeparateFromUsers,
    level: NagMessageLevel.ERROR,
    requirements: ['key-separation'],
    info: () => 'A key-policy principal holds both administrative actions (PutKeyPolicy, ScheduleKeyDeletion, ...) and cryptographic ones (Decrypt, GenerateDataKey*, ...).',
    explanation:
      'Separation of duties between those who manage keys and those who use them (NIST SP 800-53 AC-5; PCI DSS Req. 3.6.1 and 3.7) means no single principal can both read protected data and change or destroy the key that protects it.',
  },
  {
    create: AuditTrailImmutable,
    level: NagMessageLevel.ERROR,
    requirements: ['immutable-audit'],
    info: () => 'The trail lacks log-file validation or a KMS key, or its bucket (in this template) lacks Object Lock with COMPLIANCE default retention.',
    explanation:
      'Audit logs must be protected from modification and checked for tampering (PCI DSS Req. 10.3.2 and 10.3.4) and kept for the regulator (PCI DSS Req. 10.5.1; Cybersecurity Law Art. 21(3); PIPL Art. 54 audits). COMPLIANCE-mode Object Lock stops even the account root from deleting them; signed digests prove completeness.',
  },
  {
    create: DataStoreCustomerManagedKey,
    level: NagMessageLevel.ERROR,
    requirements: ['encryption', 'key-separation'],
    info: () => 'The data store is not encrypted with a customer-managed KMS key (SSE-S3, AWS owned or AWS managed key).',
    explanation:
      'Stored account data must be unreadable and its keys under the customer\'s control (PCI DSS Req. 3.5.1 and 3.6; PIPL Art. 51(3); GDPR Art. 32(1)(a)). A customer-managed key per data class gives a key policy the customer writes, an audit trail of every use, and the option of a CloudHSM-backed key store. S3 access-log targets are exempt: S3 only delivers to SSE-S3 buckets.',
  },
  {
    create: DataClassTagged,
    level: NagMessageLevel.ERROR,
    requirements: ['classification'],
    info: () => 'The data store or key has no data-class tag with a known class (C3, C2, C1, audit, logs, access-logs, desensitized).',
    explanation:
      'Classified, graded management of data is required (Data Security Law Art. 21; PIPL Art. 51(2); JR/T 0171-2020; PCI DSS Req. 9.4.2), and the residency rules and the evidence report read the class from this tag: an untagged store escapes them.',
  },
  {
    create: NoHardcodedPartition,
    level: NagMessageLevel.ERROR,
    requirements: ['residency'],
    info: () => 'A property contains an ARN with a literal partition; build ARNs from the AWS::Partition pseudo parameter.',
    explanation:
      'China regions are a separate partition: a literal partition makes the template fail or point at the wrong partition when the home region is in China, which pushes teams to deploy the home stack elsewhere (PIPL Art. 40 localization).',
  },
  {
    create: NoSensitiveAuthDataField,
    level: NagMessageLevel.ERROR,
    requirements: ['desensitization-before-transfer'],
    info: () => 'A table declares a field for sensitive authentication data (CVV/CVC/CVN, PIN or PIN block, track data).',
    explanation:
      'Sensitive authentication data is never stored after authorization, not even encrypted (PCI DSS Req. 3.3.1); it is JR/T 0171 C3 data. A key, index or column named for it means the schema was designed to keep it.',
  },
];
