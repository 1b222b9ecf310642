import type { RegisterRecord } from '../../lambda/core/assessment/instruments/summary';
import { TRANSFER_INSTRUMENTS_METADATA_KEY } from '../../lambda/core/assessment/instruments/summary';
import { nextDue, recordedRegisters, transferInstrumentsSectionFor } from '../../lib/compliance/transfer-instruments-evidence';

const record: RegisterRecord = {
  source: 'rules/cn-home/instruments/register.json',
  impactAssessmentMaxAgeDays: 365,
  instruments: [
    { id: 'sa-2024', kind: 'cac_security_assessment', label: 'CAC security assessment approval', recipient: 'Acme <b>Ltd</b>', reference: 'CAC-SA-1', dateKey: 'approvedOn', date: '2024-09-01', expiresOn: '2027-09-01', rules: ['r1'], details: [] },
    { id: 'pia-2026', kind: 'pia', label: 'personal information protection impact assessment (PIA)', recipient: 'Acme <b>Ltd</b>', reference: 'PIA-1', dateKey: 'assessedOn', date: '2025-06-01', reviewDue: '2026-06-01', rules: ['r1', 'r2'], details: [] },
    { id: 'pc-1', kind: 'pdpa_contract', label: 'PDPA transfer contract', recipient: 'Beta', reference: 'PC', dateKey: 'signedOn', date: '2026-01-01', rules: [], details: ['countries: US'] },
  ],
};
const stacks = [{ path: 'paydata-home', template: { Metadata: { [TRANSFER_INSTRUMENTS_METADATA_KEY]: record } } }, { path: 'paydata-dest', template: {} }];

describe('the transfer-instrument section of the evidence page', () => {
  test('names what expires or falls due next, with the days left from the report date', () => {
    expect(nextDue(record, '2026-05-02')).toMatchObject({ instrument: { id: 'pia-2026' }, date: '2026-06-01', event: 'review due', daysLeft: 30 });
    const html = transferInstrumentsSectionFor(stacks, '2026-05-02');
    expect(html).toMatch(/<h2>Transfer instruments \(3\)<\/h2>/);
    expect(html).toMatch(/Next to expire or fall due: <strong><code>pia-2026<\/code><\/strong> .*review due 2026-06-01: in 30 days/);
  });

  test('lists every instrument with its reference, date, next date and the rules relying on it', () => {
    const html = transferInstrumentsSectionFor(stacks, '2026-05-02');
    expect(html).toMatch(/<code>sa-2024<\/code>.*CAC-SA-1.*approvedOn 2024-09-01.*expires 2027-09-01.*<code>r1<\/code>/);
    expect(html).toMatch(/<code>pc-1<\/code>.*countries: US.*no expiry.*none/);
    expect(html).toMatch(/within 90 days/);
  });

  test('overdue shows as overdue', () => {
    expect(transferInstrumentsSectionFor(stacks, '2026-06-11')).toMatch(/<strong>10 days overdue<\/strong>/);
  });

  test('escapes every value', () => {
    const html = transferInstrumentsSectionFor(stacks, '2026-05-02');
    expect(html).not.toMatch(/<b>Ltd<\/b>/);
    expect(html).toMatch(/Acme &lt;b&gt;Ltd&lt;\/b&gt;/);
  });

  test('a malformed record is reported, not skipped; no record says so', () => {
    const { problems } = recordedRegisters([{ path: 'home', template: { Metadata: { [TRANSFER_INSTRUMENTS_METADATA_KEY]: { source: 1 } } } }]);
    expect(problems).toEqual([expect.stringMatching(/^home: the residency:transfer-instruments metadata is malformed/)]);
    expect(transferInstrumentsSectionFor([{ path: 'x', template: {} }], '2026-05-02')).toMatch(/No template records a transfer-instrument register/);
  });
});
