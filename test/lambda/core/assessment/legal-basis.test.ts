import type { CacAssessmentInput, CacFlow } from '../../../../lambda/core/assessment/cac';
import {
  LEGAL_BASES,
  checkLegalBasis,
  type LegalBasisFacts,
  type RuleForLegalBasis,
} from '../../../../lambda/core/assessment/legal-basis';
import type { Purpose } from '../../../../lambda/core/assessment/purposes';

function rule(legalBasis: string, purpose: string, country = 'SG', extra: Partial<RuleForLegalBasis> = {}): RuleForLegalBasis {
  return { id: 'r1', purpose, legalBasis, destination: { country }, ...extra };
}

/** A rule written for one occasional transfer: marked so, valid for a short window. */
const occasional = { occasional: true, validFrom: '2026-03-01', validUntil: '2026-03-14' };
/** A standing rule: two years, not marked occasional. */
const standing = { validFrom: '2026-01-01', validUntil: '2027-12-31' };

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
    ['Art. 49 consent to Singapore, occasional', rule('gdpr_art49_explicit_consent', 'marketing_analytics', 'SG', occasional), {}, true],
    ['Art. 49 consent to Singapore, standing', rule('gdpr_art49_explicit_consent', 'marketing_analytics', 'SG', standing), {}, false],
    ['Art. 49 where adequacy exists', rule('gdpr_art49_explicit_consent', 'marketing_analytics', 'CH', occasional), {}, false],
    ['Art. 49 to the US without DPF, occasional', rule('gdpr_art49_explicit_consent', 'marketing_analytics', 'US', occasional), {}, true],
    ['Art. 49(1)(b) on payment settlement, occasional', rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG', occasional), {}, true],
    ['Art. 49(1)(b) on payment settlement, standing two-year rule', rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG', standing), {}, false],
    ['Art. 49(1)(b) without any window or mark', rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG'), {}, false],
    ['Art. 49(1)(b) marked occasional but valid 32 days', rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG', { occasional: true, validFrom: '2026-03-01', validUntil: '2026-04-01' }), {}, false],
    ['Art. 49(1)(b) marked occasional, valid 31 days', rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG', { occasional: true, validFrom: '2026-03-01', validUntil: '2026-03-31' }), {}, true],
    ['Art. 49(1)(b) marked occasional without dates', rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG', { occasional: true }), {}, false],
    ['Art. 49(1)(c) standing', rule('gdpr_art49_contract_in_interest', 'payment_settlement', 'SG', standing), {}, false],
    ['Art. 49(1)(e) standing', rule('gdpr_art49_legal_claims', 'customer_support', 'SG', standing), {}, false],
    ['Art. 49(1)(e) occasional', rule('gdpr_art49_legal_claims', 'customer_support', 'SG', occasional), {}, true],
    ['Art. 49(1)(d) standing: not limited to occasional transfers', rule('gdpr_art49_public_interest', 'regulatory_reporting', 'SG', standing), {}, true],
    ['Art. 49(1)(b) on marketing', rule('gdpr_art49_contract_performance', 'marketing_analytics', 'SG', occasional), {}, false],
    ['adequacy to Brazil (2026/179)', rule('gdpr_adequacy', 'payment_settlement', 'BR'), {}, true],
    ['adequacy to the UK until 27 December 2031', rule('gdpr_adequacy', 'payment_settlement', 'GB'), { on: '2031-12-27' }, true],
    ['adequacy to the UK after 27 December 2031', rule('gdpr_adequacy', 'payment_settlement', 'GB'), { on: '2031-12-28' }, false],
    ['adequacy to the European Patent Organisation', rule('gdpr_adequacy', 'regulatory_reporting', 'DE', { destination: { country: 'DE', internationalOrganisation: 'european_patent_organisation' } }), {}, true],
    ['SCCs to the European Patent Organisation', rule('gdpr_scc', 'regulatory_reporting', 'DE', { destination: { country: 'DE', internationalOrganisation: 'european_patent_organisation' } }), {}, true],
    ['Art. 49 to the European Patent Organisation, which has adequacy', rule('gdpr_art49_explicit_consent', 'regulatory_reporting', 'DE', { ...occasional, destination: { country: 'DE', internationalOrganisation: 'european_patent_organisation' } }), {}, false],
    ['an unknown international organisation', rule('gdpr_adequacy', 'regulatory_reporting', 'CH', { destination: { country: 'CH', internationalOrganisation: 'world_lottery_union' } }), {}, false],
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

  test('the closed set holds the bases rules use: CAC, GDPR and PDPA', () => {
    expect(LEGAL_BASES.every((b) => /^(cac|gdpr|pdpa)_[a-z0-9_]+$/.test(b))).toBe(true);
    expect(LEGAL_BASES).toEqual(
      expect.arrayContaining([
        'cac_contract_necessity', 'cac_standard_contract', 'cac_security_assessment', 'cac_certification', 'cac_exempt_below_threshold',
        'cac_exempt_collected_abroad', 'cac_ftz_outside_negative_list',
        'gdpr_adequacy', 'gdpr_scc', 'gdpr_bcr',
        'pdpa_contract', 'pdpa_bcr', 'pdpa_certification', 'pdpa_consent', 'pdpa_contract_necessity',
      ]),
    );
  });
});

describe('checkLegalBasis: Art. 49 occasional transfers (recital 111; EDPB Guidelines 2/2018)', () => {
  test('a standing two-year rule on Art. 49(1)(b) is refused, saying why and what to use instead', () => {
    const result = checkLegalBasis(rule('gdpr_art49_contract_performance', 'payment_settlement', 'SG', standing));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('GDPR Art. 49(1)(b) serves occasional transfers only (GDPR recital 111; EDPB Guidelines 2/2018, section 2.1)') });
    const reason = !result.ok ? result.reason : '';
    expect(reason).toMatch(/standing transfer channel \(valid 2026-01-01 to 2027-12-31, 730 days\)/);
    expect(reason).toMatch(/gdpr_scc or gdpr_bcr/);
    expect(reason).toMatch(/"occasional": true, valid at most 31 days/);
  });

  test('an occasional rule longer than 31 days is refused with its length', () => {
    const result = checkLegalBasis(rule('gdpr_art49_legal_claims', 'customer_support', 'SG', { occasional: true, validFrom: '2026-01-01', validUntil: '2026-06-30' }));
    expect(!result.ok && result.reason).toMatch(/at most 31 days .* valid 181 days \(2026-01-01 to 2026-06-30\)/);
  });
});

describe('checkLegalBasis: the origin decides the regime', () => {
  test.each<[string, RuleForLegalBasis, LegalBasisFacts, boolean]>([
    ['SG origin with a GDPR basis (SCCs)', rule('gdpr_scc', 'payment_settlement', 'US'), { origin: 'SG' }, false],
    ['SG origin with a GDPR basis (adequacy to Japan)', rule('gdpr_adequacy', 'payment_settlement', 'JP'), { origin: 'SG' }, false],
    ['SG origin with a CAC basis', rule('cac_contract_necessity', 'payment_settlement', 'US'), { origin: 'SG', cac: settlementOnly }, false],
    ['SG origin, PDPA contract', rule('pdpa_contract', 'payment_settlement', 'US'), { origin: 'SG' }, true],
    ['SG origin, PDPA BCRs', rule('pdpa_bcr', 'group_reporting', 'IE'), { origin: 'SG' }, true],
    ['SG origin, PDPA certification', rule('pdpa_certification', 'customer_support', 'US'), { origin: 'SG' }, true],
    ['SG origin, PDPA consent', rule('pdpa_consent', 'marketing_analytics', 'US'), { origin: 'SG' }, true],
    ['SG origin, PDPA contract necessity on payment settlement', rule('pdpa_contract_necessity', 'payment_settlement', 'IE'), { origin: 'SG' }, true],
    ['SG origin, PDPA contract necessity on marketing', rule('pdpa_contract_necessity', 'marketing_analytics', 'IE'), { origin: 'SG' }, false],
    ['CN origin with a PDPA basis', rule('pdpa_contract', 'payment_settlement', 'SG'), { origin: 'CN', cac: settlementOnly }, false],
    ['CN origin with a GDPR basis', rule('gdpr_scc', 'payment_settlement', 'SG'), { origin: 'CN', cac: settlementOnly }, false],
    ['EU origin with a PDPA basis', rule('pdpa_contract', 'payment_settlement', 'SG'), { origin: 'EU' }, false],
    ['EU origin with a GDPR basis', rule('gdpr_scc', 'payment_settlement', 'SG'), { origin: 'EU' }, true],
  ])('%s → ok %p', (_label, r, facts, ok) => {
    expect(checkLegalBasis(r, facts).ok).toBe(ok);
  });

  test('a GDPR basis for Singapore-origin data is refused naming the PDPA and its mechanisms', () => {
    const result = checkLegalBasis(rule('gdpr_scc', 'payment_settlement', 'IE'), { origin: 'SG' });
    expect(!result.ok && result.reason).toMatch(
      /^rule "r1": legalBasis "gdpr_scc" does not fit: Singapore-origin personal data leaves under the PDPA's Transfer Limitation Obligation, PDPA s\. 26 and PDP Regulations 2021 regs 10–12 .*not under GDPR Chapter V.*declare one of pdpa_contract, pdpa_bcr, pdpa_certification, pdpa_consent, pdpa_contract_necessity$/,
    );
  });
});

describe('checkLegalBasis: CAC Art. 4, Art. 5(4), Art. 6 and certification', () => {
  const zone = { zone: 'China (Tianjin) Pilot Free Trade Zone', listReference: 'Tianjin FTZ negative list (2024 edition)', entries: [{ id: 'TJ-FIN-01', description: 'financial account data of more than 100,000 people' }] };
  const ftz = (entries: string[] | undefined, importantData = false): CacAssessmentInput => ({
    ciio: false,
    freeTradeZone: zone,
    flows: [{ purpose: 'marketing_analytics', personal: 300_000, sensitive: 0, importantData, ...(entries === undefined ? {} : { negativeListEntries: entries }) }],
  });
  const abroad = (collectedAbroad: boolean): CacAssessmentInput => ({
    ciio: false,
    flows: [{ purpose: 'it_operations', personal: 2_000_000, sensitive: 50_000, importantData: false, collectedAbroad }],
  });

  test.each<[string, RuleForLegalBasis, LegalBasisFacts, boolean]>([
    ['Art. 4 on data collected abroad', rule('cac_exempt_collected_abroad', 'it_operations'), { cac: abroad(true) }, true],
    ['Art. 4 on domestic data', rule('cac_exempt_collected_abroad', 'it_operations'), { cac: abroad(false) }, false],
    ['Art. 6 outside the zone list', rule('cac_ftz_outside_negative_list', 'marketing_analytics'), { cac: ftz([]) }, true],
    ['Art. 6 on listed data', rule('cac_ftz_outside_negative_list', 'marketing_analytics'), { cac: ftz(['TJ-FIN-01']) }, false],
    ['Art. 6 on data not assessed against the list', rule('cac_ftz_outside_negative_list', 'marketing_analytics'), { cac: ftz(undefined) }, false],
    ['Art. 6 without a zone', rule('cac_ftz_outside_negative_list', 'marketing_analytics'), { cac: marketing(300_000) }, false],
    ['Art. 6 with important data', rule('cac_ftz_outside_negative_list', 'marketing_analytics'), { cac: ftz([], true) }, false],
    ['a standard contract outgrown only by flows outside the FTZ list still fits', rule('cac_standard_contract', 'marketing_analytics'), { cac: { ...ftz([]), flows: [...ftz([]).flows, { purpose: 'customer_support', personal: 200_000, sensitive: 0, importantData: false, negativeListEntries: ['TJ-FIN-01'] }] } }, true],
    ['certification in its band', rule('cac_certification', 'marketing_analytics'), { cac: marketing(500_000, 9_999) }, true],
    ['certification for a CIIO', rule('cac_certification', 'marketing_analytics'), { cac: flows(true, ['marketing_analytics', 500_000]) }, false],
    ['certification with important data', rule('cac_certification', 'marketing_analytics'), { cac: flows(false, ['marketing_analytics', 500_000, 0, true]) }, false],
    ['certification when the total (split across flows) reaches 1,000,000', rule('cac_certification', 'marketing_analytics'), { cac: flows(false, ['marketing_analytics', 600_000], ['customer_support', 400_000]) }, false],
  ])('%s → ok %p', (_label, r, facts, ok) => {
    expect(checkLegalBasis(r, facts).ok).toBe(ok);
  });

  test.each<[string, CacAssessmentInput, RegExp]>([
    ['one sensitive individual', marketing(10, 1), /sensitive personal information is outside it.*CAC Provisions 2024 Art\. 8: 1 individual's sensitive personal information counted: at or above 1 and below 10,000/],
    ['100,000 non-sensitive', marketing(100_000), /only below 100,000 .*CAC Provisions 2024 Art\. 8: 100,000 individuals' non-sensitive personal information counted: at or above 100,000/],
    ['1,000,000 non-sensitive', marketing(1_000_000), /CAC Provisions 2024 Art\. 7\(2\): 1,000,000 individuals' non-sensitive personal information counted: at or above 1,000,000/],
    ['a CIIO', flows(true, ['marketing_analytics', 10]), /the Art\. 5\(4\) exemption is open only to processors other than CIIOs; the exporter is a CIIO/],
  ])('Art. 5(4) refused for %s, with the provision and count that decide', (_label, cac, reason) => {
    const result = checkLegalBasis(rule('cac_exempt_below_threshold', 'marketing_analytics'), { cac });
    expect(!result.ok && result.reason).toMatch(reason);
    expect(!result.ok && result.reason).not.toMatch(/standard_contract_or_certification|with no sensitive individuals/);
  });

  test('certification refusals cite Order No. 20', () => {
    for (const cac of [flows(true, ['marketing_analytics', 500_000]), flows(false, ['marketing_analytics', 600_000], ['customer_support', 400_000]), flows(false, ['marketing_analytics', 5, 0, true])]) {
      const result = checkLegalBasis(rule('cac_certification', 'marketing_analytics'), { cac });
      expect(!result.ok && result.reason).toMatch(/CAC and SAMR Order No\. 20, in force 1 January 2026/);
    }
    const split = checkLegalBasis(rule('cac_certification', 'marketing_analytics'), { cac: flows(false, ['marketing_analytics', 600_000], ['customer_support', 400_000]) });
    expect(!split.ok && split.reason).toMatch(/counts may not be split to avoid a security assessment/);
  });
});
