import { assessPdpaTransfer, PDPA_MECHANISMS, type PdpaAssessment, type PdpaTransferInput } from '../../../../lambda/core/assessment/pdpa';

describe('assessPdpaTransfer (PDPA s. 26; PDP Regulations 2021 regs 10–12)', () => {
  test.each<[string, PdpaAssessment['mechanism'], boolean, PdpaTransferInput]>([
    ['inside Singapore: not a transfer', 'not_a_transfer', true, { destinationCountry: 'SG' }],
    ['a contract with comparable protection', 'contract', true, { destinationCountry: 'US', mechanisms: ['contract'] }],
    ['binding corporate rules preferred to a contract', 'binding_corporate_rules', true, { destinationCountry: 'IE', mechanisms: ['contract', 'binding_corporate_rules'] }],
    ['APEC CBPR / PRP certification', 'specified_certification', true, { destinationCountry: 'US', mechanisms: ['specified_certification'] }],
    ['consent after a written summary', 'consent', true, { destinationCountry: 'US', mechanisms: ['consent'] }],
    ['contract necessity for a payment', 'contract_necessity', true, { destinationCountry: 'IE', mechanisms: ['contract_necessity'], purpose: 'payment_settlement' }],
    ['contract necessity for marketing', 'none', false, { destinationCountry: 'IE', mechanisms: ['contract_necessity'], purpose: 'marketing_analytics' }],
    ['contract necessity without a purpose', 'none', false, { destinationCountry: 'IE', mechanisms: ['contract_necessity'] }],
    ['nothing recorded', 'none', false, { destinationCountry: 'US' }],
  ])('%s', (_label, mechanism, allowed, input) => {
    const result = assessPdpaTransfer(input);
    expect({ mechanism: result.mechanism, allowed: result.allowed }).toEqual({ mechanism, allowed });
  });

  test('every mechanism cites s. 26 and the regulation it rests on', () => {
    for (const provision of Object.values(PDPA_MECHANISMS)) expect(provision).toMatch(/^PDPA s\. 26; PDP Regulations 2021 reg 1[0-2]/);
    expect(PDPA_MECHANISMS.specified_certification).toMatch(/APEC CBPR.*APEC PRP/);
    expect(PDPA_MECHANISMS.binding_corporate_rules).toMatch(/reg 11\(1\)\(c\)/);
  });

  test('a refusal names the Transfer Limitation Obligation', () => {
    expect(assessPdpaTransfer({ destinationCountry: 'US' }).reasons.at(-1)).toEqual({
      provision: 'PDPA s. 26 (Transfer Limitation Obligation)',
      finding: expect.stringMatching(/no mechanism of PDP Regulations 2021 regs 10–12 is recorded/),
    });
  });

  test('consent carries the reg 10(3)–(4) caution', () => {
    expect(assessPdpaTransfer({ destinationCountry: 'US', mechanisms: ['consent'] }).cautions[0]).toMatch(/reasonable written summary/);
  });
});
