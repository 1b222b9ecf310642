/**
 * The requirements of this domain (see ../shared/DOMAIN.md) that the evidence report groups
 * findings by, with the legal and standard references each one answers. PCI DSS numbers are
 * v4.0.1 (the version in force); the cdk-nag PCI pack itself prints retired PCI DSS 3.2.1 control ids,
 * mapped to v4.0.1 in lib/compliance/pci-dss-401.ts.
 */
export const REQUIREMENT_IDS = [
  'classification',
  'encryption',
  'key-separation',
  'residency',
  'short-retention',
  'immutable-audit',
  'mfa',
  'least-privilege',
  'desensitization-before-transfer',
] as const;
export type RequirementId = (typeof REQUIREMENT_IDS)[number];

export interface DomainRequirement {
  readonly id: RequirementId;
  readonly title: string;
  readonly references: readonly string[];
}

export const DOMAIN_REQUIREMENTS: Readonly<Record<RequirementId, DomainRequirement>> = {
  classification: {
    id: 'classification',
    title: 'Every data store and key is classified (JR/T 0171 C3/C2/C1 or an operational class)',
    references: ['JR/T 0171-2020', 'PIPL Art. 51(2)', 'Data Security Law Art. 21', 'PCI DSS Req. 9.4.2'],
  },
  encryption: {
    id: 'encryption',
    title: 'Data at rest is encrypted with customer-managed keys',
    references: ['PCI DSS Req. 3.5.1', 'PIPL Art. 51(3)', 'GDPR Art. 32(1)(a)'],
  },
  'key-separation': {
    id: 'key-separation',
    title: 'Key administrators are separate from key users; one key per data class',
    references: ['PCI DSS Req. 3.6.1', 'NIST SP 800-53 AC-5', 'NIST SP 800-53 SC-12'],
  },
  residency: {
    id: 'residency',
    title: 'Data stays in the home region; only allowed destinations receive (desensitized) data',
    references: ['PIPL Art. 38-40', 'CAC Provisions on Promoting and Regulating Cross-Border Data Flows (2024)', 'GDPR Art. 44-46'],
  },
  'short-retention': {
    id: 'short-retention',
    title: 'Operational logs are kept no longer than the retention ceiling',
    references: ['PIPL Art. 19', 'GDPR Art. 5(1)(e)', 'PCI DSS Req. 3.2.1'],
  },
  'immutable-audit': {
    id: 'immutable-audit',
    title: 'The audit record is tamper-proof: Object Lock (COMPLIANCE), signed digests, KMS',
    references: ['PCI DSS Req. 10.3.2', 'PCI DSS Req. 10.3.4', 'PCI DSS Req. 10.5.1', 'Cybersecurity Law Art. 21(3)'],
  },
  mfa: {
    id: 'mfa',
    title: 'People assume roles only with multi-factor authentication',
    references: ['PCI DSS Req. 8.4.1', 'PCI DSS Req. 8.4.2', 'NIST SP 800-53 IA-2(1)'],
  },
  'least-privilege': {
    id: 'least-privilege',
    title: 'No wildcard grants on keys beyond the account-root delegation',
    references: ['PCI DSS Req. 7.2.1', 'PCI DSS Req. 7.2.2', 'PIPL Art. 51(4)', 'NIST SP 800-53 AC-6'],
  },
  'desensitization-before-transfer': {
    id: 'desensitization-before-transfer',
    title: 'Sensitive data is desensitized before it leaves home; authentication data is never stored',
    references: ['PCI DSS Req. 3.3.1', 'PCI DSS Req. 3.5.1', 'PIPL Art. 51(3)', 'GDPR Art. 5(1)(c)'],
  },
};
