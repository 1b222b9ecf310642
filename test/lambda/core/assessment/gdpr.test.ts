import {
  ADEQUACY_DECISIONS,
  EEA_COUNTRIES,
  adequacyCovers,
  assessGdprTransfer,
  type GdprMechanism,
  type GdprTransferInput,
} from '../../../../lambda/core/assessment/gdpr';

describe('assessGdprTransfer', () => {
  test.each<[string, GdprMechanism, GdprTransferInput]>([
    ['EEA destination is not a Chapter V transfer', 'not_a_transfer', { destinationCountry: 'NO', safeguards: [] }],
    ['Japan: adequacy', 'adequacy', { destinationCountry: 'JP' }],
    ['Switzerland: adequacy', 'adequacy', { destinationCountry: 'CH' }],
    ['US with DPF certification: adequacy', 'adequacy', { destinationCountry: 'US', recipientConditions: ['us_dpf_certified'] }],
    ['US without DPF but with SCCs: SCCs', 'scc', { destinationCountry: 'US', safeguards: ['scc'] }],
    ['US with neither: none', 'none', { destinationCountry: 'US' }],
    ['Canada, PIPEDA-covered: adequacy', 'adequacy', { destinationCountry: 'CA', recipientConditions: ['ca_pipeda_covered'] }],
    ['Canada, condition not recorded: none', 'none', { destinationCountry: 'CA' }],
    ['adequacy wins over SCCs', 'adequacy', { destinationCountry: 'KR', safeguards: ['scc'] }],
    ['Singapore with BCRs: BCRs', 'bcr', { destinationCountry: 'SG', safeguards: ['bcr'] }],
    ['BCRs preferred to SCCs when both exist', 'bcr', { destinationCountry: 'SG', safeguards: ['scc', 'bcr'] }],
    ['China with a derogation only: Art. 49', 'art49_derogation', { destinationCountry: 'CN', derogations: ['explicit_consent'] }],
    ['safeguards win over a derogation', 'scc', { destinationCountry: 'CN', safeguards: ['scc'], derogations: ['legal_claims'] }],
    ['China with nothing: none', 'none', { destinationCountry: 'CN' }],
  ])('%s', (_label, expected, input) => {
    expect(assessGdprTransfer(input).mechanism).toBe(expected);
  });

  test('flags when no tool applies, naming each missing one', () => {
    const result = assessGdprTransfer({ destinationCountry: 'SG' });
    expect(result.allowed).toBe(false);
    expect(result.reasons.map((r) => r.provision)).toEqual(['GDPR Art. 45', 'GDPR Art. 46', 'GDPR Art. 49', 'GDPR Art. 44']);
  });

  test('the US decision is dated 10 July 2023 and requires DPF certification', () => {
    const result = assessGdprTransfer({ destinationCountry: 'US', recipientConditions: ['us_dpf_certified'] });
    expect(result.adequacyDecision).toMatchObject({ decision: 'Commission Implementing Decision (EU) 2023/1795', adopted: '2023-07-10' });
    const uncertified = adequacyCovers('US');
    expect(uncertified).toMatchObject({ covered: false, finding: expect.stringMatching(/Data Privacy Framework/) });
  });

  test('SCCs and BCRs carry the transfer-impact-assessment caution; to the US also the CLOUD Act', () => {
    const result = assessGdprTransfer({ destinationCountry: 'US', safeguards: ['scc'] });
    expect(result.cautions.join(' ')).toMatch(/Schrems II/);
    expect(result.cautions.join(' ')).toMatch(/CLOUD Act/);
  });

  test('decisions with a known limit surface it as a caution', () => {
    expect(assessGdprTransfer({ destinationCountry: 'GB' }).cautions[0]).toMatch(/sunset/);
    expect(assessGdprTransfer({ destinationCountry: 'KR' }).cautions[0]).toMatch(/credit information/);
  });

  test('Art. 49 is flagged as exceptional', () => {
    const result = assessGdprTransfer({ destinationCountry: 'CN', derogations: ['compelling_legitimate_interests'] });
    expect(result.cautions).toHaveLength(2);
    expect(result.reasons.at(-1)?.provision).toMatch(/Art\. 49\(1\), second subparagraph/);
  });
});

describe('adequacy list', () => {
  test('one entry per country, ISO dates, no EEA state', () => {
    const countries = ADEQUACY_DECISIONS.map((d) => d.country);
    expect(new Set(countries).size).toBe(countries.length);
    for (const d of ADEQUACY_DECISIONS) {
      expect(d.adopted).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(d.adopted))).toBe(false);
      expect(EEA_COUNTRIES).not.toContain(d.country);
    }
  });

  test('covers the decisions the issue lists', () => {
    expect(ADEQUACY_DECISIONS.map((d) => d.country).sort()).toEqual(
      ['AD', 'AR', 'CA', 'CH', 'FO', 'GB', 'GG', 'IL', 'IM', 'JE', 'JP', 'KR', 'NZ', 'US', 'UY'].sort(),
    );
  });
});
