import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, checkRuleInstruments, type RuleInstrumentView } from '../../../../../lambda/core/assessment/instruments/check';
import { BASIS_INSTRUMENTS, requiredInstruments } from '../../../../../lambda/core/assessment/instruments/kinds';
import { InstrumentRegisterSchema, instrumentRegisterJsonSchema, type Instrument, type InstrumentRegister } from '../../../../../lambda/core/assessment/instruments/schema';
import { summarizeRegister } from '../../../../../lambda/core/assessment/instruments/summary';
import { LEGAL_BASES } from '../../../../../lambda/core/assessment/legal-basis';

const TODAY = '2026-06-01';
const RECIPIENT = 'Example Recipient Ltd.';
const OPTIONS = { today: TODAY, maxAssessmentAgeDays: 365, ruleSource: 'rules/x/r1.json', registerSource: 'rules/x/instruments/register.json' };

const pia: Instrument = { id: 'pia-1', kind: 'pia', recipient: RECIPIENT, reference: 'PIA-1', assessedOn: '2026-05-01' };
const tia: Instrument = { id: 'tia-1', kind: 'tia', recipient: RECIPIENT, reference: 'TIA-1', assessedOn: '2026-05-01' };
const scc2: Instrument = { id: 'scc-1', kind: 'gdpr_scc', recipient: RECIPIENT, reference: 'SCC-1', module: 2, signedOn: '2026-01-10' };
const contract: Instrument = { id: 'sc-1', kind: 'cn_standard_contract', recipient: RECIPIENT, reference: 'SC-1', signedOn: '2026-01-10', filingReference: '京备2026-0001', filedOn: '2026-01-20' };
const approval: Instrument = { id: 'sa-1', kind: 'cac_security_assessment', recipient: RECIPIENT, reference: 'CAC-SA-1', approvedOn: '2024-09-01', expiresOn: '2027-09-01' };
const dpa: Instrument = { id: 'dpa-1', kind: 'dpa', recipient: RECIPIENT, reference: 'DPA-1', signedOn: '2026-01-10', subProcessors: [], subProcessorsListedOn: '2026-01-10' };
const dpf: Instrument = { id: 'dpf-1', kind: 'recipient_condition', recipient: RECIPIENT, reference: 'DPF list entry', condition: 'us_dpf_certified', verifiedOn: '2026-05-01', expiresOn: '2027-04-30' };
const pdpaContract: Instrument = { id: 'pc-1', kind: 'pdpa_contract', recipient: RECIPIENT, reference: 'PC-1', signedOn: '2026-01-10', countries: ['US'] };

const register = (...instruments: Instrument[]): InstrumentRegister => ({ instruments });

function rule(legalBasis: string, instruments: string[], extra: Partial<RuleInstrumentView> = {}): RuleInstrumentView {
  return { id: 'r1', legalBasis, destination: { country: 'US', recipient: RECIPIENT }, instruments, validUntil: '2027-06-30', ...extra };
}

function problemsOf(r: RuleInstrumentView, reg: InstrumentRegister, options = OPTIONS): readonly string[] {
  return checkRuleInstruments(r, reg, options).problems;
}

describe('what each legal basis needs', () => {
  test('every basis has an entry, and the CAC, SCC/BCR and PDPA instruments are the ones the issue lists', () => {
    expect(Object.keys(BASIS_INSTRUMENTS).sort()).toEqual([...LEGAL_BASES].sort());
    expect(BASIS_INSTRUMENTS.cac_standard_contract).toEqual(['cn_standard_contract', 'pia']);
    expect(BASIS_INSTRUMENTS.cac_security_assessment).toEqual(['cac_security_assessment', 'pia']);
    expect(BASIS_INSTRUMENTS.cac_certification).toEqual(['cn_certification', 'pia']);
    expect(BASIS_INSTRUMENTS.gdpr_scc).toEqual(['gdpr_scc', 'tia']);
    expect(BASIS_INSTRUMENTS.gdpr_bcr).toEqual(['gdpr_bcr', 'tia']);
    expect(BASIS_INSTRUMENTS.pdpa_contract).toEqual(['pdpa_contract']);
    expect(BASIS_INSTRUMENTS.pdpa_certification).toEqual(['pdpa_certification']);
    for (const basis of LEGAL_BASES.filter((b) => b.startsWith('cac_'))) expect(BASIS_INSTRUMENTS[basis]).toContain('pia');
  });

  test('a processor recipient also needs a DPA; adequacy with a condition needs its evidence', () => {
    expect(requiredInstruments({ legalBasis: 'pdpa_contract', destination: { country: 'US' }, recipientRole: 'processor' }).map((n) => n.kind)).toEqual(['pdpa_contract', 'dpa']);
    expect(requiredInstruments({ legalBasis: 'gdpr_adequacy', destination: { country: 'US' } })).toEqual([expect.objectContaining({ kind: 'recipient_condition', condition: 'us_dpf_certified' })]);
    expect(requiredInstruments({ legalBasis: 'gdpr_adequacy', destination: { country: 'JP' } })).toEqual([]);
  });
});

describe('checkRuleInstruments', () => {
  test('a complete, current set passes', () => {
    expect(problemsOf(rule('gdpr_scc', ['scc-1', 'tia-1', 'dpa-1'], { recipientRole: 'processor' }), register(scc2, tia, dpa))).toEqual([]);
    expect(problemsOf(rule('cac_standard_contract', ['sc-1', 'pia-1']), register(contract, pia))).toEqual([]);
  });

  test('a missing instrument is refused naming the rule file, the key and what is needed', () => {
    expect(problemsOf(rule('gdpr_scc', ['scc-1'], { recipientRole: 'processor' }), register(scc2, dpa))).toEqual([
      expect.stringMatching(/^rules\/x\/r1\.json: key instruments: value \["scc-1"\]: legalBasis "gdpr_scc" needs a tia instrument, the transfer impact assessment \(TIA\) \(report reference and assessment date; CJEU C-311\/18 Schrems II/),
      expect.stringMatching(/recipientRole "processor" needs a dpa instrument, the data processing agreement \(DPA\) \(signature date and the sub-processor list/),
    ]);
  });

  test('an id that is not in the register is refused naming the key and the value', () => {
    expect(problemsOf(rule('pdpa_contract', ['pc-9']), register(pdpaContract))).toContain(
      'rules/x/r1.json: key instruments[0]: value "pc-9": no instrument with this id in rules/x/instruments/register.json',
    );
  });

  test('an instrument of the wrong kind does not satisfy the need', () => {
    expect(problemsOf(rule('cac_security_assessment', ['sc-1', 'pia-1']), register(contract, pia)).join('\n')).toMatch(/needs a cac_security_assessment instrument/);
  });

  test('an expired approval is refused naming the register file, the key and the date', () => {
    const expired = { ...approval, approvedOn: '2023-05-01', expiresOn: '2026-04-30' };
    expect(problemsOf(rule('cac_security_assessment', ['sa-1', 'pia-1']), register(expired, pia))).toEqual([
      'rules/x/instruments/register.json: key instruments[0].expiresOn: value "2026-04-30": CAC security assessment approval "sa-1" expired before today (2026-06-01); rule "r1" (rules/x/r1.json) relies on it',
    ]);
  });

  test('an instrument expiring on the day is still in force; the day after it is not', () => {
    const lastDay = { ...approval, expiresOn: TODAY };
    expect(problemsOf(rule('cac_security_assessment', ['sa-1', 'pia-1'], { validUntil: TODAY }), register(lastDay, pia))).toEqual([]);
    expect(problemsOf(rule('cac_security_assessment', ['sa-1', 'pia-1'], { validUntil: TODAY }), register(lastDay, pia), { ...OPTIONS, today: '2026-06-02' }).join()).toMatch(/expired before today \(2026-06-02\)/);
  });

  test('a rule valid longer than its instrument is refused: it would keep transferring after the instrument lapsed', () => {
    expect(problemsOf(rule('cac_security_assessment', ['sa-1', 'pia-1'], { validUntil: '2027-12-31' }), register(approval, pia))).toEqual([
      expect.stringMatching(/^rules\/x\/r1\.json: key validUntil: value "2027-12-31": rule "r1" would outlive CAC security assessment approval "sa-1", which expires 2027-09-01 .*set validUntil on or before 2027-09-01/),
    ]);
  });

  test.each([
    [365, true],
    [366, false],
  ])('a PIA %i days old passes: %p (impactAssessmentMaxAgeDays 365)', (age, ok) => {
    const old = { ...pia, assessedOn: addDays(TODAY, -age) };
    const problems = problemsOf(rule('cac_contract_necessity', ['pia-1']), register(old));
    expect(problems.length === 0).toBe(ok);
    if (!ok) {
      expect(problems[0]).toBe(
        `rules/x/instruments/register.json: key instruments[0].assessedOn: value "${old.assessedOn}": personal information protection impact assessment (PIA) "pia-1" is 366 days old on 2026-06-01, older than impactAssessmentMaxAgeDays (365): review it and record the new date; rule "r1" (rules/x/r1.json) relies on it`,
      );
    }
  });

  test('the age limit is configurable and applies to TIAs too', () => {
    expect(problemsOf(rule('gdpr_scc', ['scc-1', 'tia-1'], { recipientRole: 'processor' }), register(scc2, tia, dpa), { ...OPTIONS, maxAssessmentAgeDays: 30 }).join()).toMatch(/transfer impact assessment \(TIA\) "tia-1" is 31 days old .* impactAssessmentMaxAgeDays \(30\)/);
  });

  test('an instrument dated after today is not in effect yet', () => {
    expect(problemsOf(rule('cac_contract_necessity', ['pia-1']), register({ ...pia, assessedOn: '2026-06-02' })).join()).toMatch(/key instruments\[0\]\.assessedOn: value "2026-06-02": .* is dated after today \(2026-06-01\)/);
  });

  test("an instrument with another party does not cover the rule's recipient", () => {
    expect(problemsOf(rule('cac_contract_necessity', ['pia-1']), register({ ...pia, recipient: 'Someone Else Ltd.' })).join()).toMatch(/key instruments\[0\]\.recipient: value "Someone Else Ltd\.": .* is with "Someone Else Ltd\.", but rule "r1"/);
  });

  test("the SCC module must match the recipient's role", () => {
    expect(problemsOf(rule('gdpr_scc', ['scc-1', 'tia-1']), register(scc2, tia)).join()).toMatch(/key instruments\[0\]\.module: value 2: SCC module 2 is for a processor recipient, but rule "r1" .* declares recipientRole "controller"/);
    expect(problemsOf(rule('gdpr_scc', ['scc-1', 'tia-1']), register({ ...scc2, module: 1 } as Instrument, tia))).toEqual([]);
  });

  test('a PDPA contract must name the destination country (reg 11(2))', () => {
    expect(problemsOf(rule('pdpa_contract', ['pc-1'], { destination: { country: 'IE', recipient: RECIPIENT } }), register(pdpaContract)).join()).toMatch(/key instruments\[0\]\.countries: value \["US"\]: .* does not cover IE/);
  });

  test('valid recipient-condition evidence establishes the condition; expired evidence does not', () => {
    expect(checkRuleInstruments(rule('gdpr_adequacy', ['dpf-1'], { validUntil: '2027-04-30' }), register(dpf), OPTIONS)).toEqual({ problems: [], recipientConditions: ['us_dpf_certified'] });
    const lapsed = checkRuleInstruments(rule('gdpr_adequacy', ['dpf-1'], { validUntil: '2026-06-01' }), register({ ...dpf, expiresOn: '2026-05-31' }), OPTIONS);
    expect(lapsed.recipientConditions).toEqual([]);
    expect(lapsed.problems.join()).toMatch(/expired before today/);
  });
});

describe('the register schema', () => {
  const parse = (instruments: unknown[]) => InstrumentRegisterSchema.safeParse({ instruments });

  test.each<[string, unknown, (string | number)[], RegExp]>([
    ['an unknown kind', { ...pia, kind: 'handshake' }, ['instruments', 0, 'kind'], /must be one of: cn_standard_contract, .*pdpa_consent/],
    ['a misspelt key', { ...pia, assesedOn: '2026-01-01' }, ['instruments', 0], /.*/],
    ['an impossible date', { ...pia, assessedOn: '2026-02-30' }, ['instruments', 0, 'assessedOn'], /real calendar date/],
    ['an SCC module 5', { ...scc2, module: 5 }, ['instruments', 0, 'module'], /1 \(controller to controller\)/],
    ['a security assessment valid more than 3 years', { ...approval, expiresOn: '2027-09-02' }, ['instruments', 0, 'expiresOn'], /at most 3 years after approvedOn \(2027-09-01\).*CAC Provisions 2024 Art\. 9/],
    ['a certificate valid more than 3 years', { id: 'c', kind: 'cn_certification', recipient: RECIPIENT, reference: 'C', certificationBody: 'CCRC', issuedOn: '2026-01-01', expiresOn: '2029-01-02' }, ['instruments', 0, 'expiresOn'], /Order No\. 20/],
    ['an expiry before the date', { ...approval, expiresOn: '2024-08-31' }, ['instruments', 0, 'expiresOn'], /must be after approvedOn \(2024-09-01\)/],
    ['a filing before the signature', { ...contract, filedOn: '2026-01-09' }, ['instruments', 0, 'filedOn'], /on or after signedOn/],
    ['a DPA without its sub-processor list', { ...dpa, subProcessors: undefined }, ['instruments', 0, 'subProcessors'], /must list the sub-processors/],
    ['a PDPA contract without countries', { ...pdpaContract, countries: [] }, ['instruments', 0, 'countries'], /reg 11\(2\)/],
  ])('refuses %s, naming the key', (_label, instrument, path, message) => {
    const result = parse([instrument]);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toContainEqual(expect.objectContaining({ path: expect.arrayContaining(path), message: expect.stringMatching(message) }));
  });

  test('refuses an id used twice', () => {
    expect(parse([pia, { ...tia, id: 'pia-1' }]).error?.issues).toEqual([expect.objectContaining({ path: ['instruments', 1, 'id'], message: expect.stringMatching(/ids must be unique/) })]);
  });

  test('the published JSON Schema is the one generated from the validator', () => {
    const published = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'schemas', 'instrument-register.schema.json'), 'utf8'));
    // To regenerate: npx tsx -e "console.log(JSON.stringify(require('./lambda/core/assessment/instruments/schema').instrumentRegisterJsonSchema(), null, 2))" > schemas/instrument-register.schema.json
    expect(published).toEqual(instrumentRegisterJsonSchema());
  });
});

describe('summarizeRegister', () => {
  test('soonest expiry or review first, with the rules relying on each; instruments without a date last', () => {
    const rows = summarizeRegister(register(pdpaContract, approval, pia, dpf), [{ id: 'a', instruments: ['pia-1', 'sa-1'] }, { id: 'b', instruments: ['pia-1'] }], 365);
    expect(rows.map((r) => [r.id, r.expiresOn ?? r.reviewDue ?? null, r.rules])).toEqual([
      ['dpf-1', '2027-04-30', []],
      ['pia-1', '2027-05-01', ['a', 'b']],
      ['sa-1', '2027-09-01', ['a']],
      ['pc-1', null, []],
    ]);
  });
});
