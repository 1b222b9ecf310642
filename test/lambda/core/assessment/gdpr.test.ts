import {
  ADEQUACY_DECISIONS,
  EEA_COUNTRIES,
  ORGANISATION_ADEQUACY_DECISIONS,
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
    ['China with a derogation only, occasional: Art. 49', 'art49_derogation', { destinationCountry: 'CN', derogations: ['explicit_consent'], occasional: true }],
    ['China with consent for a regular transfer: none', 'none', { destinationCountry: 'CN', derogations: ['explicit_consent'] }],
    ['Art. 49(1)(b) for a regular transfer: none', 'none', { destinationCountry: 'SG', derogations: ['contract_performance'], occasional: false }],
    ['Art. 49(1)(c) for a regular transfer: none', 'none', { destinationCountry: 'SG', derogations: ['contract_in_interest'] }],
    ['Art. 49(1)(e) for a regular transfer: none', 'none', { destinationCountry: 'SG', derogations: ['legal_claims'] }],
    ['Art. 49(1)(f) is not limited to occasional transfers', 'art49_derogation', { destinationCountry: 'SG', derogations: ['vital_interests'] }],
    ['Art. 49(1)(d) is not limited to occasional transfers', 'art49_derogation', { destinationCountry: 'SG', derogations: ['public_interest'] }],
    ['Brazil: adequacy (2026/179)', 'adequacy', { destinationCountry: 'BR' }],
    ['UK: adequacy on its last renewed day', 'adequacy', { destinationCountry: 'GB', on: '2031-12-27' }],
    ['UK: lapsed after 27 December 2031, SCCs then', 'scc', { destinationCountry: 'GB', on: '2031-12-28', safeguards: ['scc'] }],
    ['European Patent Organisation: adequacy (an international organisation)', 'adequacy', { destinationOrganisation: 'european_patent_organisation' }],
    ['European Patent Organisation seated in the EEA is still a Chapter V transfer', 'adequacy', { destinationOrganisation: 'european_patent_organisation', destinationCountry: 'DE' }],
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

  test('decisions with a known limit surface it as a caution; the renewed UK decision has none', () => {
    expect(assessGdprTransfer({ destinationCountry: 'GB' }).cautions).toEqual([]);
    expect(assessGdprTransfer({ destinationCountry: 'KR' }).cautions[0]).toMatch(/credit information/);
  });

  test('the UK decisions were renewed in December 2025, to 27 December 2031', () => {
    const result = assessGdprTransfer({ destinationCountry: 'GB', on: '2026-06-01' });
    expect(result.adequacyDecision).toMatchObject({ validUntil: '2031-12-27', decision: expect.stringMatching(/2021\/1772.*renewed.*19 December 2025/) });
    expect(result.reasons[0].finding).toMatch(/applies until 2031-12-27/);
    const lapsed = assessGdprTransfer({ destinationCountry: 'GB', on: '2032-01-01' });
    expect(lapsed).toMatchObject({ mechanism: 'none', allowed: false });
    expect(lapsed.reasons[0].finding).toMatch(/applied until 2031-12-27; on 2032-01-01 it has lapsed/);
  });

  test('Brazil: Commission Implementing Decision (EU) 2026/179 of 26 January 2026', () => {
    expect(assessGdprTransfer({ destinationCountry: 'BR' }).adequacyDecision).toMatchObject({
      country: 'BR',
      decision: 'Commission Implementing Decision (EU) 2026/179',
      adopted: '2026-01-26',
    });
  });

  test('the DPF stands (General Court, T-553/23, 3 September 2025) with its appeal pending (C-703/25 P)', () => {
    const caution = assessGdprTransfer({ destinationCountry: 'US', recipientConditions: ['us_dpf_certified'] }).cautions.join(' ');
    expect(caution).toMatch(/T-553\/23/);
    expect(caution).toMatch(/3 September 2025/);
    expect(caution).toMatch(/C-703\/25 P/);
  });

  test('an international organisation is named as such, with its own decision', () => {
    const epo = assessGdprTransfer({ destinationOrganisation: 'european_patent_organisation' });
    expect(epo.reasons[0]).toEqual({ provision: 'GDPR Art. 44, Art. 4(26)', finding: expect.stringMatching(/international organisation/) });
    expect(epo.adequacyDecision).toMatchObject({ organisation: 'european_patent_organisation', decision: 'Commission Implementing Decision (EU) 2025/1382', adopted: '2025-07-15' });
  });

  test('Art. 49 is flagged as exceptional', () => {
    const result = assessGdprTransfer({ destinationCountry: 'CN', derogations: ['compelling_legitimate_interests'], occasional: true });
    expect(result.cautions).toHaveLength(2);
    expect(result.reasons.at(-1)?.provision).toMatch(/Art\. 49\(1\), second subparagraph/);
  });

  test('an occasional-only derogation on a regular transfer is refused with recital 111 and EDPB Guidelines 2/2018', () => {
    const result = assessGdprTransfer({ destinationCountry: 'SG', derogations: ['contract_performance'] });
    expect(result.allowed).toBe(false);
    expect(result.reasons).toContainEqual({
      provision: expect.stringMatching(/^GDPR Art\. 49\(1\)\(b\)/),
      finding: expect.stringMatching(/occasional transfers only \(GDPR recital 111; EDPB Guidelines 2\/2018/),
    });
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

  test('covers the decisions in force (Brazil since 26 January 2026)', () => {
    expect(ADEQUACY_DECISIONS.map((d) => d.country).sort()).toEqual(
      ['AD', 'AR', 'BR', 'CA', 'CH', 'FO', 'GB', 'GG', 'IL', 'IM', 'JE', 'JP', 'KR', 'NZ', 'US', 'UY'].sort(),
    );
    expect(ORGANISATION_ADEQUACY_DECISIONS.map((d) => d.organisation)).toEqual(['european_patent_organisation']);
  });

  test('no decision asks the reader to "confirm" it is in force: the list itself is dated', () => {
    for (const d of [...ADEQUACY_DECISIONS, ...ORGANISATION_ADEQUACY_DECISIONS]) {
      expect(`${d.caution ?? ''}`).not.toMatch(/confirm/i);
      if (d.validUntil !== undefined) expect(d.validUntil > d.adopted).toBe(true);
    }
  });
});
