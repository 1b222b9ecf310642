/**
 * The Chinese measures behind each CAC mechanism, cited once: what a transfer rule's instruments
 * must show (filing, approval, certificate) and how long each lasts.
 */

/** Standard contract: signed with the recipient, filed with the provincial cyberspace administration within 10 working days of taking effect (Art. 7). */
export const STANDARD_CONTRACT_MEASURES =
  'Measures on the Standard Contract for Outbound Transfer of Personal Information (个人信息出境标准合同办法, CAC Order No. 13, in force 1 June 2023)';

/** Security assessment: declared through the provincial cyberspace administration to the CAC after a self-assessment. */
export const SECURITY_ASSESSMENT_MEASURES =
  'Measures for the Security Assessment of Outbound Data Transfers (数据出境安全评估办法, CAC Order No. 11, in force 1 September 2022)';

/** CAC Provisions 2024 Art. 9: a passed assessment is valid 3 years from the day the result is issued (extension may be applied for 60 working days before expiry). */
export const SECURITY_ASSESSMENT_VALIDITY_YEARS = 3;
export const SECURITY_ASSESSMENT_VALIDITY = 'CAC Provisions 2024 Art. 9 (valid 3 years from the day the result is issued)';

/**
 * Certification has its own measures since 1 January 2026: only for processors that are not CIIOs,
 * transferring since 1 January of the year personal information (not sensitive) of 100,000 to fewer
 * than 1,000,000 individuals or sensitive personal information of fewer than 10,000, and no important
 * data; counts may not be split to avoid a security assessment; the certificate, issued by a
 * certification body qualified for personal information protection certification, is valid 3 years.
 * Text: https://www.cac.gov.cn/2025-10/17/c_1762449728720008.htm
 */
export const CERTIFICATION_MEASURES =
  'Measures for Personal Information Outbound Transfer Certification (个人信息出境认证办法, CAC and SAMR Order No. 20, in force 1 January 2026)';
export const CERTIFICATE_VALIDITY_YEARS = 3;

/** PIPL Art. 55(4) and 56: a personal information protection impact assessment before any transfer abroad, its report kept 3 years. */
export const PIA_PROVISION = 'PIPL Art. 55(4) and Art. 56 (personal information protection impact assessment before providing personal information abroad)';
