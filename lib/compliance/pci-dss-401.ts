/**
 * PCI DSS v4.0.1 for the findings of cdk-nag's PCI pack. cdk-nag ships only a PCI DSS 3.2.1 pack
 * (`PCIDSS321Checks`, rule ids `PCI.DSS.321-*`); v3.2.1 was retired on 31 March 2024 and v4.0 on
 * 31 December 2024, so v4.0.1 (June 2024) is the standard in force. Each pack rule is mapped here to
 * the v4.0.1 requirements its check evidences, by what the check verifies (not by renumbering: the
 * pack's 3.2.1 "3.4", PAN unreadable where stored, is v4.0.1 3.5.1, while v4.0.1 3.4.1 is display
 * masking). The pack's own 3.2.1 control ids are kept beside each mapping as its retired label.
 *
 * Sources: PCI DSS v4.0.1 (PCI SSC, June 2024); PCI SSC "Summary of Changes from PCI DSS v3.2.1 to
 * v4.0"; the AWS Config conformance pack "Operational Best Practices for PCI DSS 4.0" and Security
 * Hub's PCI DSS v4.0.1 standard for the AWS Config rules these checks mirror.
 *
 * The test loads the installed pack and fails when a rule is added, removed or relabelled, so a
 * cdk-nag upgrade cannot leave a finding unmapped.
 */

/** The framework name the evidence uses. */
export const PCI_DSS_FRAMEWORK = 'PCI DSS 4.0.1';
/** The cdk-nag pack that raises the findings, and the version label it prints. */
export const PCI_DSS_PACK = 'PCI.DSS.321';
export const PCI_DSS_PACK_LABEL = 'PCI DSS 3.2.1';
export const PCI_DSS_RETIREMENT =
  'cdk-nag labels this pack PCI DSS 3.2.1, retired 31 March 2024 (v4.0 retired 31 December 2024); its findings are reported against PCI DSS 4.0.1';

/** The v4.0.1 requirements the mapping uses, with their titles (abridged). */
export const PCI_DSS_401_REQUIREMENTS = {
  '1.3.1': 'Inbound traffic to the CDE is restricted to only traffic that is necessary',
  '1.3.2': 'Outbound traffic from the CDE is restricted to only traffic that is necessary',
  '1.4.2': 'Inbound traffic from untrusted networks to trusted networks is restricted',
  '1.4.4': 'System components that store cardholder data are not directly accessible from untrusted networks',
  '2.2.1': 'Configuration standards are developed, implemented and maintained for all system components',
  '3.2.1': 'Account data storage is kept to a minimum through data retention and disposal policies',
  '3.5.1': 'PAN is rendered unreadable anywhere it is stored (truncation, tokens, keyed hashes, strong cryptography)',
  '3.6.1': 'Procedures protect cryptographic keys used to protect stored account data against disclosure and misuse',
  '3.7.4': 'Cryptographic keys are changed at the end of their defined cryptoperiod',
  '4.2.1': 'Strong cryptography protects PAN during transmission over open, public networks',
  '4.2.1.1': "An inventory of the entity's trusted keys and certificates is maintained",
  '6.3.3': 'System components are protected from known vulnerabilities by installing applicable security patches and updates',
  '6.4.1': 'Public-facing web applications are protected against attacks',
  '6.4.2': 'An automated technical solution detects and prevents web-based attacks on public-facing web applications',
  '7.2.1': 'An access control model is defined, granting access by business need',
  '7.2.2': 'Access is assigned by job classification and function, with the least privileges necessary',
  '7.2.5': 'Application and system accounts are assigned only the least privileges necessary',
  '8.3.1': 'All user access to system components is authenticated with at least one authentication factor',
  '8.3.2': 'Strong cryptography renders all authentication factors unreadable during transmission and storage',
  '8.6.2': 'Passwords of application and system accounts are not hard coded in scripts, configuration files or source code',
  '10.2.1': 'Audit logs are enabled and active for all system components and cardholder data',
  '10.2.2': 'Audit logs record the details of each auditable event',
  '10.3.2': 'Audit log files are protected to prevent modifications by individuals',
  '10.3.3': 'Audit log files are promptly backed up to a secure, central, internal log server or media that is difficult to modify',
  '10.3.4': 'File integrity monitoring or change-detection mechanisms are used on audit logs',
  '10.4.1': 'Audit logs are reviewed at least once daily',
  '10.5.1': 'Audit log history is retained for at least 12 months, the most recent three months immediately available',
  '11.5.2': 'A change-detection mechanism alerts personnel to unauthorized modification of critical files',
} as const;
export type PciDss401Requirement = keyof typeof PCI_DSS_401_REQUIREMENTS;

interface PackRuleMapping {
  /** The control ids the pack prints in the finding (PCI DSS 3.2.1 numbering). */
  readonly v321: readonly string[];
  /** The PCI DSS 4.0.1 requirements the check evidences. */
  readonly v401: readonly PciDss401Requirement[];
}

/**
 * Every rule of cdk-nag's PCI.DSS.321 pack (cdk-nag 3.0.x), by rule name. Two pack rules print a
 * copied message (EMRKerberosEnabled, RDSAutomaticMinorVersionUpgradeEnabled): they are mapped by
 * what they check (Kerberos authentication; automatic minor version upgrades).
 */
export const PCI_DSS_401_MAPPING: Readonly<Record<string, PackRuleMapping>> = {
  'APIGWAssociatedWithWAF': { v321: ['6.6'], v401: ['6.4.1', '6.4.2'] },
  'APIGWCacheEnabledAndEncrypted': { v321: ['3.4'], v401: ['3.5.1'] },
  'APIGWExecutionLoggingEnabled': { v321: ['10.1', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6', '10.5.4'], v401: ['10.2.1', '10.2.2'] },
  'APIGWSSLEnabled': { v321: ['2.3', '4.1', '8.2.1'], v401: ['4.2.1', '8.3.2'] },
  'AutoScalingGroupELBHealthCheckRequired': { v321: ['2.2'], v401: ['2.2.1'] },
  'AutoScalingLaunchConfigPublicIpDisabled': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'CloudTrailCloudWatchLogsEnabled': { v321: ['2.2', '10.1', '10.2.1', '10.2.2', '10.2.3', '10.2.5', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6', '10.5.3', '10.5.4'], v401: ['10.2.1', '10.3.3', '10.4.1'] },
  'CloudTrailEncryptionEnabled': { v321: ['2.2', '3.4', '10.5'], v401: ['3.5.1', '10.3.2'] },
  'CloudTrailLogFileValidationEnabled': { v321: ['2.2', '10.5.2', '10.5', '10.5.5', '11.5'], v401: ['10.3.2', '10.3.4', '11.5.2'] },
  'CloudWatchLogGroupEncrypted': { v321: ['3.4'], v401: ['3.5.1', '10.3.2'] },
  'CloudWatchLogGroupRetentionPeriod': { v321: ['3.1', '10.7'], v401: ['3.2.1', '10.5.1'] },
  'CodeBuildProjectEnvVarAwsCred': { v321: ['8.2.1'], v401: ['8.3.2', '8.6.2'] },
  'CodeBuildProjectSourceRepoUrl': { v321: ['8.2.1'], v401: ['8.3.2', '8.6.2'] },
  'DMSReplicationNotPublic': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'EC2InstanceNoPublicIp': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'EC2InstanceProfileAttached': { v321: ['2.2', '7.1.1', '7.2.1'], v401: ['7.2.1', '7.2.5'] },
  'EC2InstancesInVPC': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'EC2RestrictedCommonPorts': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '2.2', '2.2.2'], v401: ['1.3.1', '1.4.2'] },
  'EC2RestrictedSSH': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '2.2', '2.2.2'], v401: ['1.3.1', '1.4.2'] },
  'ECSTaskDefinitionUserForHostMode': { v321: ['7.2.1'], v401: ['7.2.1', '7.2.5'] },
  'EFSEncrypted': { v321: ['3.4', '8.2.1'], v401: ['3.5.1'] },
  'ALBHttpDropInvalidHeaderEnabled': { v321: ['4.1', '8.2.1'], v401: ['6.4.1'] },
  'ALBHttpToHttpsRedirection': { v321: ['2.3', '4.1', '8.2.1'], v401: ['4.2.1'] },
  'ALBWAFEnabled': { v321: ['6.6'], v401: ['6.4.1', '6.4.2'] },
  'ELBACMCertificateRequired': { v321: ['4.1', '8.2.1'], v401: ['4.2.1', '4.2.1.1'] },
  'ELBLoggingEnabled': { v321: ['10.1', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6', '10.5.4'], v401: ['10.2.1', '10.2.2'] },
  'ELBTlsHttpsListenersOnly': { v321: ['2.3', '4.1', '8.2.1'], v401: ['4.2.1'] },
  'ELBv2ACMCertificateRequired': { v321: ['4.1'], v401: ['4.2.1', '4.2.1.1'] },
  'EMRKerberosEnabled': { v321: ['7.2.1'], v401: ['7.2.1', '8.3.1'] },
  'IAMGroupHasUsers': { v321: ['7.1.2', '7.1.3', '7.2.1', '7.2.2'], v401: ['7.2.1', '7.2.2'] },
  'IAMNoInlinePolicy': { v321: ['2.2', '7.1.2', '7.1.3', '7.2.1', '7.2.2'], v401: ['7.2.1', '7.2.2'] },
  'IAMPolicyNoStatementsWithAdminAccess': { v321: ['2.2', '7.1.2', '7.1.3', '7.2.1', '7.2.2'], v401: ['7.2.1', '7.2.2'] },
  'IAMPolicyNoStatementsWithFullAccess': { v321: ['7.1.2', '7.1.3', '7.2.1', '7.2.2'], v401: ['7.2.1', '7.2.2'] },
  'IAMUserGroupMembership': { v321: ['2.2', '7.1.2', '7.1.3', '7.2.1', '7.2.2'], v401: ['7.2.1', '7.2.2'] },
  'IAMUserNoPolicies': { v321: ['2.2', '7.1.2', '7.1.3', '7.2.1', '7.2.2'], v401: ['7.2.1', '7.2.2'] },
  'KMSBackingKeyRotationEnabled': { v321: ['2.2', '3.5', '3.6', '3.6.4'], v401: ['3.6.1', '3.7.4'] },
  'LambdaFunctionPublicAccessProhibited': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'LambdaInsideVPC': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '2.2.2'], v401: ['1.3.1', '1.3.2'] },
  'OpenSearchEncryptedAtRest': { v321: ['3.4', '8.2.1'], v401: ['3.5.1'] },
  'OpenSearchInVPCOnly': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'OpenSearchErrorLogsToCloudWatch': { v321: ['10.1', '10.2.1', '10.2.2', '10.2.3', '10.2.4', '10.2.5', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6'], v401: ['10.2.1', '10.2.2'] },
  'OpenSearchNodeToNodeEncryption': { v321: ['4.1'], v401: ['4.2.1'] },
  'RDSAutomaticMinorVersionUpgradeEnabled': { v321: ['6.2'], v401: ['6.3.3'] },
  'RDSInstancePublicAccess': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'RDSLoggingEnabled': { v321: ['10.1', '10.2.1', '10.2.2', '10.2.3', '10.2.4', '10.2.5', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6'], v401: ['10.2.1', '10.2.2'] },
  'RDSStorageEncrypted': { v321: ['3.4', '8.2.1'], v401: ['3.5.1'] },
  'RedshiftClusterConfiguration': { v321: ['3.4', '8.2.1', '10.1', '10.2.1', '10.2.2', '10.2.3', '10.2.4', '10.2.5', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6'], v401: ['3.5.1', '10.2.1'] },
  'RedshiftClusterMaintenanceSettings': { v321: ['6.2'], v401: ['6.3.3'] },
  'RedshiftClusterPublicAccess': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'RedshiftEnhancedVPCRoutingEnabled': { v321: ['1.2', '1.3', '1.3.1', '1.3.2'], v401: ['1.3.1', '1.3.2'] },
  'RedshiftRequireTlsSSL': { v321: ['2.3', '4.1'], v401: ['4.2.1'] },
  'S3BucketLevelPublicAccessProhibited': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'S3BucketLoggingEnabled': { v321: ['2.2', '10.1', '10.2.1', '10.2.2', '10.2.3', '10.2.4', '10.2.5', '10.2.7', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6'], v401: ['10.2.1', '10.2.2'] },
  'S3BucketPublicReadProhibited': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'S3BucketPublicWriteProhibited': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'S3BucketReplicationEnabled': { v321: ['2.2', '10.5.3'], v401: ['10.3.3'] },
  'S3BucketSSLRequestsOnly': { v321: ['2.2', '4.1', '8.2.1'], v401: ['4.2.1'] },
  'S3BucketVersioningEnabled': { v321: ['10.5.3'], v401: ['10.3.2', '10.3.3'] },
  'S3DefaultEncryptionKMS': { v321: ['3.4', '8.2.1', '10.5'], v401: ['3.5.1'] },
  'SageMakerEndpointConfigurationKMSKeyConfigured': { v321: ['3.4', '8.2.1'], v401: ['3.5.1'] },
  'SageMakerNotebookInstanceKMSKeyConfigured': { v321: ['3.4', '8.2.1'], v401: ['3.5.1'] },
  'SageMakerNotebookNoDirectInternetAccess': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'SecretsManagerUsingKMSKey': { v321: ['3.4', '8.2.1'], v401: ['3.6.1', '8.3.2'] },
  'SNSEncryptedKMS': { v321: ['8.2.1'], v401: ['3.5.1'] },
  'VPCDefaultSecurityGroupClosed': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '2.1', '2.2', '2.2.2'], v401: ['1.3.1', '1.3.2'] },
  'VPCFlowLogsEnabled': { v321: ['2.2', '10.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6'], v401: ['10.2.1', '10.2.2'] },
  'VPCNoUnrestrictedRouteToIGW': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '2.2.2'], v401: ['1.3.1', '1.3.2'] },
  'VPCSubnetAutoAssignPublicIpDisabled': { v321: ['1.2', '1.2.1', '1.3', '1.3.1', '1.3.2', '1.3.4', '1.3.6', '2.2.2'], v401: ['1.3.1', '1.4.4'] },
  'WAFv2LoggingEnabled': { v321: ['10.1', '10.3.1', '10.3.2', '10.3.3', '10.3.4', '10.3.5', '10.3.6', '10.5.4'], v401: ['10.2.1', '10.2.2'] },
};

/** A requirement as the evidence report groups findings by (same shape as the report's Requirement). */
export interface PciRequirement {
  readonly key: string;
  readonly framework: string;
  readonly id: string;
  readonly title: string;
}

const RULE_PREFIX = `${PCI_DSS_PACK}-`;

/** The mapping of a pack rule id (`PCI.DSS.321-S3DefaultEncryptionKMS`), or undefined for a rule this table does not know. */
export function pciDss401MappingOf(ruleId: string): PackRuleMapping | undefined {
  if (!ruleId.startsWith(RULE_PREFIX)) return undefined;
  const name = ruleId.slice(RULE_PREFIX.length);
  return Object.prototype.hasOwnProperty.call(PCI_DSS_401_MAPPING, name) ? PCI_DSS_401_MAPPING[name] : undefined;
}

/** The pack's retired 3.2.1 control ids of every rule that maps to a 4.0.1 requirement. */
function retiredLabelsOf(requirement: PciDss401Requirement): string[] {
  const ids = Object.values(PCI_DSS_401_MAPPING)
    .filter((m) => m.v401.includes(requirement))
    .flatMap((m) => m.v321);
  return [...new Set(ids)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** One v4.0.1 requirement as the evidence shows it, with the pack's retired 3.2.1 label. */
export function pciRequirement(id: PciDss401Requirement): PciRequirement {
  return {
    key: `${PCI_DSS_FRAMEWORK}:${id}`,
    framework: PCI_DSS_FRAMEWORK,
    id,
    title: `${PCI_DSS_FRAMEWORK} Req. ${id}: ${PCI_DSS_401_REQUIREMENTS[id]} (cdk-nag pack label ${PCI_DSS_PACK_LABEL}, retired: control ${retiredLabelsOf(id).join(', ')})`,
  };
}

/**
 * The v4.0.1 requirements a PCI.DSS.321 finding evidences. A rule the table does not know (a newer
 * cdk-nag) is not dropped: it maps to an "unmapped" requirement carrying its 3.2.1 label, so the
 * matrix shows it and a reviewer maps it.
 */
export function pciDss401RequirementsOf(ruleId: string): PciRequirement[] {
  const mapping = pciDss401MappingOf(ruleId);
  if (mapping) return mapping.v401.map(pciRequirement);
  return [
    {
      key: `${PCI_DSS_FRAMEWORK}:unmapped:${ruleId}`,
      framework: PCI_DSS_FRAMEWORK,
      id: `unmapped (${ruleId})`,
      title: `not yet mapped to ${PCI_DSS_FRAMEWORK}: ${ruleId} (see lib/compliance/pci-dss-401.ts)`,
    },
  ];
}
