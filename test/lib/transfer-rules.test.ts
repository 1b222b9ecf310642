import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../lib/config';
import { loadApprovedTransfers } from '../../lib/transfer-rules';
import { shippedConfig, shippedProfiles, TEST_NOW } from '../support/app-fixture';

const APP_DIR = join(__dirname, '..', '..');

describe('the shipped profiles', () => {
  test.each(['default', 'sg-home'])('%s loads with a complete register, at the tests\' date and today', (profile) => {
    for (const now of [TEST_NOW, new Date()]) {
      const transfers = loadApprovedTransfers(shippedConfig(profile), APP_DIR, now);
      expect(transfers.rules.length).toBeGreaterThan(0);
      expect(transfers.register.instruments.length).toBeGreaterThan(0);
      for (const rule of transfers.rules) {
        expect(rule.instruments?.length).toBeGreaterThan(0);
        for (const id of rule.instruments ?? []) expect(transfers.register.instruments.find((i) => i.id === id)?.rules).toContain(rule.id);
      }
    }
  });

  test('sg-home rules use PDPA mechanisms, never GDPR bases', () => {
    const { rules } = loadApprovedTransfers(shippedConfig('sg-home'), APP_DIR, TEST_NOW);
    expect(rules.map((r) => r.legalBasis)).toEqual(rules.map(() => expect.stringMatching(/^pdpa_/)));
  });
});

describe('loadApprovedTransfers refuses', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rules-'));
    mkdirSync(join(dir, 'rules', 'instruments'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const recipient = 'Example Recipient Ltd.';
  function writeRule(name: string, rule: Record<string, unknown>): void {
    writeFileSync(join(dir, 'rules', name), JSON.stringify({
      id: name.replace('.json', ''),
      version: 1,
      purpose: 'payment_settlement',
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
      fields: { 'txn.amount': { keep: 'decimal' } },
      ...rule,
    }));
  }
  function writeRegister(instruments: unknown[]): void {
    writeFileSync(join(dir, 'rules', 'instruments', 'register.json'), JSON.stringify({ instruments }));
  }
  function profile(name: 'default' | 'sg-home', overrides: Record<string, unknown> = {}) {
    const { assessmentFile: _shipped, ...shipped } = shippedProfiles()[name] as Record<string, unknown>;
    return loadConfig({ ...shipped, transferRulesDir: 'rules', ...overrides });
  }
  function problems(config: ReturnType<typeof profile>, now = TEST_NOW): string {
    try {
      loadApprovedTransfers(config, dir, now);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.join('\n');
      throw err;
    }
    return '';
  }
  const sgRule = { destination: { region: 'us-east-1', country: 'US', recipient }, legalBasis: 'pdpa_contract', instruments: ['pc-1'] };
  const pdpaContract = { id: 'pc-1', kind: 'pdpa_contract', recipient, reference: 'PC-1', signedOn: '2026-01-10', countries: ['US'] };

  test('nothing, when the rule and its register are complete', () => {
    writeRule('us.json', sgRule);
    writeRegister([pdpaContract]);
    expect(problems(profile('sg-home'))).toBe('');
  });

  test('a GDPR basis for Singapore-origin data', () => {
    writeRule('us.json', { ...sgRule, legalBasis: 'gdpr_scc', instruments: [] });
    expect(problems(profile('sg-home'))).toMatch(/^rules\/us\.json: rule "us": legalBasis "gdpr_scc" does not fit: Singapore-origin personal data leaves under the PDPA's Transfer Limitation Obligation/m);
  });

  test('a missing register, naming the file that should hold the instrument', () => {
    writeRule('us.json', sgRule);
    expect(problems(profile('sg-home'))).toMatch(/rules\/us\.json: key instruments\[0\]: value "pc-1": no instrument with this id in rules\/instruments\/register\.json \(the file does not exist\)/);
  });

  test('an expired instrument, naming the register file, the key and the date', () => {
    writeRule('us.json', { ...sgRule, validUntil: '2026-12-31' });
    writeRegister([{ ...pdpaContract, expiresOn: '2026-05-31' }]);
    expect(problems(profile('sg-home'))).toMatch(/^rules\/instruments\/register\.json: key instruments\[0\]\.expiresOn: value "2026-05-31": PDPA transfer contract "pc-1" expired before today \(2026-06-01\)/m);
  });

  test('a PIA older than impactAssessmentMaxAgeDays, configurable', () => {
    writeRule('sg.json', { destination: { region: 'ap-southeast-1', country: 'SG', recipient }, legalBasis: 'cac_exempt_below_threshold', purpose: 'marketing_analytics', instruments: ['pia-1'] });
    writeRegister([{ id: 'pia-1', kind: 'pia', recipient, reference: 'PIA-1', assessedOn: '2026-03-01' }]);
    writeFileSync(join(dir, 'flows.json'), JSON.stringify({ jurisdiction: 'CN', year: 2026, ciio: false, flows: [{ purpose: 'marketing_analytics', personal: 10, sensitive: 0, importantData: false }] }));
    expect(problems(profile('default', { assessmentFile: 'flows.json' }))).toBe('');
    expect(problems(profile('default', { assessmentFile: 'flows.json', impactAssessmentMaxAgeDays: 90 }))).toMatch(
      /^rules\/instruments\/register\.json: key instruments\[0\]\.assessedOn: value "2026-03-01": personal information protection impact assessment \(PIA\) "pia-1" is 92 days old on 2026-06-01, older than impactAssessmentMaxAgeDays \(90\)/m,
    );
  });

  test('an invalid register, naming the file, the key and the value', () => {
    writeRule('us.json', sgRule);
    writeRegister([{ ...pdpaContract, signedOn: '2026-13-01' }]);
    expect(problems(profile('sg-home'))).toMatch(/^rules\/instruments\/register\.json: instruments\[0\]\.signedOn: got "2026-13-01"; must be a real calendar date/m);
  });

  test('a standing Art. 49(1)(b) rule for EU-origin data, and accepts adequacy to Brazil', () => {
    const eu = profile('sg-home', { homeRegion: 'eu-west-1', allowedDestinationRegions: ['sa-east-1', 'ap-southeast-1'] });
    writeRule('br.json', { destination: { region: 'sa-east-1', country: 'BR', recipient }, legalBasis: 'gdpr_adequacy' });
    expect(problems(eu)).toBe('');
    writeRule('sg.json', { destination: { region: 'ap-southeast-1', country: 'SG', recipient }, legalBasis: 'gdpr_art49_contract_performance' });
    expect(problems(eu)).toMatch(/^rules\/sg\.json: rule "sg": legalBasis "gdpr_art49_contract_performance" does not fit: GDPR Art\. 49\(1\)\(b\) serves occasional transfers only .*\(valid 2026-01-01 to 2027-12-31, 730 days\)/m);
  });

  test('a home whose transfer regime is not modelled', () => {
    writeRule('sg.json', { destination: { region: 'ap-southeast-1', country: 'SG', recipient }, legalBasis: 'gdpr_scc' });
    expect(problems(profile('sg-home', { homeRegion: 'us-east-1', allowedDestinationRegions: ['ap-southeast-1'] }))).toMatch(/no transfer regime is modelled for data whose home is US \(us-east-1\)/);
  });
});
