import type { CacAssessmentInput, CacFlow } from '../../../../lambda/core/assessment/cac';
import {
  LEGAL_BASES,
  checkLegalBasis,
  type LegalBasisFacts,
  type RuleForLegalBasis,
} from '../../../../lambda/core/assessment/legal-basis';
import type { Purpose } from '../../../../lambda/core/assessment/purposes';

function rule(legalBasis: string, purpose: string, country = 'SG'): RuleForLegalBasis {
  return { id: 'r1', purpose, legalBasis, destination: { country } };
}

function flows(ciio: boolean, ...list: Array<[Purpose, number, number?, boolean?]>): CacAssessmentInput {
  return {
    ciio,
    flows: list.map(([purpose, personal, sensitive = 0, importantData = false]): CacFlow => ({ purpose, personal, sensitive, importantData })),
  };
}

const settlementOnly = flows(false, ['payment_settlement', 2_000_000]);
const marketing = (personal: number, sensitive = 0): CacAssessmentInput => flows(false, ['marketing_analytics', personal, sensitive]);

describe('checkLegalBasis: CAC bases', () => {
  test.each<[string, RuleForLegalBasis, LegalBasisFacts, boolean]>([
    ['contract necessity on payment settlement', rule('cac_contract_necessity', 'payment_settlement'), { cac: settlementOnly }, true],
    ['contract necessity on marketing', rule('cac_contract_necessity', 'marketing_analytics'), { cac: marketing(10) }, false],
    ['contract necessity on refunds', rule('cac_contract_necessity', 'refund_processing'), { cac: flows(false, ['refund_processing', 5]) }, true],
    ['hr basis on hr purpose', rule('cac_hr_management', 'hr_management'), { cac: flows(false, ['hr_management', 5]) }, true],
    ['hr basis on payment purpose', rule('cac_hr_management', 'payment_settlement'), { cac: settlementOnly }, false],
    ['emergency basis on emergency', rule('cac_emergency', 'emergency'), { cac: flows(true, ['emergency', 5]) }, true],
    ['exempt-below-threshold at 99,999', rule('cac_exempt_below_threshold', 'marketing_analytics'), { cac: marketing(99_999) }, true],
    ['exempt-below-threshold at 100,000', rule('cac_exempt_below_threshold', 'marketing_analytics'), { cac: marketing(100_000) }, false],
    ['exempt-below-threshold with 1 sensitive', rule('cac_exempt_below_threshold', 'marketing_analytics'), { cac: marketing(10, 1) }, false],
    ['exempt-below-threshold for a CIIO', rule('cac_exempt_below_threshold', 'marketing_analytics'), { cac: flows(true, ['marketing_analytics', 10]) }, false],
    ['standard contract at 999,999', rule('cac_standard_contract', 'marketing_analytics'), { cac: marketing(999_999) }, true],
    ['standard contract at 1,000,000', rule('cac_standard_contract', 'marketing_analytics'), { cac: marketing(1_000_000) }, false],
    ['certification at 9,999 sensitive', rule('cac_certification', 'marketing_analytics'), { cac: marketing(0, 9_999) }, true],
    ['certification at 10,000 sensitive', rule('cac_certification', 'marketing_analytics'), { cac: marketing(0, 10_000) }, false],
    ['standard contract for a CIIO', rule('cac_standard_contract', 'marketing_analytics'), { cac: flows(true, ['marketing_analytics', 1]) }, false],
    ['security assessment at any count', rule('cac_security_assessment', 'marketing_analytics'), { cac: marketing(5_000_000, 50_000) }, true],
    ['outgrown by another purpose: thresholds are per exporter', rule('cac_standard_contract', 'marketing_analytics'), { cac: flows(false, ['marketing_analytics', 1], ['it_operations', 1_000_000]) }, false],
    ['exempt flows do not outgrow a standard contract', rule('cac_standard_contract', 'marketing_analytics'), { cac: flows(false, ['marketing_analytics', 500_000], ['payment_settlement', 9_000_000]) }, true],
    ['contract necessity with important data', rule('cac_contract_necessity', 'payment_settlement'), { cac: flows(false, ['payment_settlement', 5, 0, true]) }, false],
    ['security assessment with important data', rule('cac_security_assessment', 'payment_settlement'), { cac: flows(false, ['payment_settlement', 5, 0, true]) }, true],
    ['no flows supplied', rule('cac_contract_necessity', 'payment_settlement'), {}, false],
    ['no flow for the rule\'s purpose', rule('cac_standard_contract', 'customer_support'), { cac: marketing(5) }, false],
  ])('%s → ok %p', (_label, r, facts, ok) => {
    expect(checkLegalBasis(r, facts).ok).toBe(ok);
  });

  test('the reason names the rule, the basis and the provision', () => {
    expect(checkLegalBasis(rule('cac_contract_necessity', 'marketing_analytics'), { cac: marketing(10) })).toEqual({
      ok: false,
      reason: expect.stringMatching(/^rule "r1": legalBasis "cac_contract_necessity" does not fit: CAC Provisions 2024 Art\. 5\(1\) .*"marketing_analytics"/),
    });
    const outgrown = checkLegalBasis(rule('cac_standard_contract', 'marketing_analytics'), { cac: marketing(1_000_000) });
    expect(outgrown).toEqual({ ok: false, reason: expect.stringContaining('1,000,000 non-sensitive and 0 sensitive individuals counted this year require a security assessment (CAC Provisions 2024 Art. 7(2))') });
  });
});

describe('checkLegalBasis: GDPR bases', () => {
  test.each<[string, RuleForLegalBasis, LegalBasisFacts, boolean]>([
    ['adequacy to Japan', rule('gdpr_adequacy', 'marketing_analytics', 'JP'), {}, true],
    ['adequacy to Singapore', rule('gdpr_adequacy', 'marketing_analytics', 'SG'), {}, false],
    ['adequacy to the US without DPF recorded', rule('gdpr_adequacy', 'payment_settlement', 'US'), {}, false],
    ['adequacy to the US with DPF recorded', rule('gdpr_adequacy', 'payment_settlement', 'US'), { gdprRecipientConditions: ['us_dpf_certified'] }, true],
    ['SCCs to China', rule('gdpr_scc', 'marketing_analytics', 'CN'), {}, true],
    ['BCRs to Singapore', rule('gdpr_bcr', 'group_reporting', 'SG'), {}, true],
    ['any basis inside the EEA', rule('gdpr_adequacy', 'marketing_analytics', 'DE'), {}, true],
    ['Art. 49 consent to Singapore', rule('gdpr_art49_explicit_consent', 'marketing_analytics', 'SG'), {}, true],
    ['Art. 49 where adequacy exists', rule('gdpr_art49_explicit_consent', 'marketing_analytics', 'CH'), {}, false],
    ['Art. 49 to the US without DPF', rule('gdpr_art49_explicit_consent', 'marketing_analytics', 'US'), {}, true],
    ['Art. 49(1)(b) on payment settlement', rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG'), {}, true],
    ['Art. 49(1)(b) on marketing', rule('gdpr_art49_contract_performance', 'marketing_analytics', 'SG'), {}, false],
    ['Art. 49(1)(f) on emergency', rule('gdpr_art49_vital_interests', 'emergency', 'SG'), {}, true],
    ['Art. 49(1)(f) on support', rule('gdpr_art49_vital_interests', 'customer_support', 'SG'), {}, false],
    ['compelling legitimate interests as a standing rule', rule('gdpr_art49_compelling_legitimate_interests', 'fraud_risk_control', 'SG'), {}, false],
  ])('%s → ok %p', (_label, r, facts, ok) => {
    expect(checkLegalBasis(r, facts).ok).toBe(ok);
  });
});

describe('checkLegalBasis: vocabularies', () => {
  test.each([
    ['unknown basis', rule('pipl_consent', 'marketing_analytics'), /not a known legal basis/],
    ['unknown purpose', rule('gdpr_scc', 'lottery'), /purpose "lottery" is not a known purpose/],
    ['an inherited key as basis', rule('constructor', 'marketing_analytics'), /not a known legal basis/],
    ['an inherited key as purpose', rule('gdpr_scc', 'toString'), /purpose "toString" is not a known purpose/],
    ['an inherited key as derogation', rule('gdpr_art49_constructor', 'marketing_analytics'), /not a known legal basis/],
  ])('%s is refused', (_label, r, message) => {
    const result = checkLegalBasis(r, { cac: marketing(1) });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(message);
  });

  test('the closed set holds the bases rules use, CAC and GDPR only', () => {
    expect(LEGAL_BASES.every((b) => /^(cac|gdpr)_[a-z0-9_]+$/.test(b))).toBe(true);
    expect(LEGAL_BASES).toEqual(expect.arrayContaining(['cac_contract_necessity', 'cac_standard_contract', 'cac_security_assessment', 'cac_certification', 'cac_exempt_below_threshold', 'gdpr_adequacy', 'gdpr_scc', 'gdpr_bcr']));
  });
});
