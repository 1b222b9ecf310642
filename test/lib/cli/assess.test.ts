import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../../lib/cli/assess';
import { CliError, type CliIo } from '../../../lib/cli/io';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'assess-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(content: unknown): string {
  const path = join(dir, `f${fileCount++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

function cn(flows: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { jurisdiction: 'CN', year: 2026, ciio: false, flows, ...extra };
}

function marketing(personal: number, sensitive = 0): Record<string, unknown> {
  return { purpose: 'marketing_analytics', personal, sensitive, importantData: false };
}

describe('assess --in (CN)', () => {
  test.each<[number, number, string]>([
    [99_999, 0, 'exempt'],
    [100_000, 0, 'standard_contract_or_certification'],
    [999_999, 0, 'standard_contract_or_certification'],
    [1_000_000, 0, 'security_assessment'],
    [0, 0, 'exempt'],
    [0, 1, 'standard_contract_or_certification'],
    [0, 9_999, 'standard_contract_or_certification'],
    [0, 10_000, 'security_assessment'],
  ])('non-sensitive %i, sensitive %i → %s', async (personal, sensitive, mechanism) => {
    const { code, stdout } = await cli(['--in', file(cn([marketing(personal, sensitive)]))]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ mechanism, reasons: expect.any(Array), headroom: expect.any(Object) });
  });

  test('payment settlement is exempt whatever its size (Art. 5(1))', async () => {
    const input = cn([{ purpose: 'payment_settlement', personal: 4_000_000, sensitive: 300_000, importantData: false }]);
    const { stdout } = await cli(['--in', file(input)]);
    expect(JSON.parse(stdout)).toMatchObject({ mechanism: 'exempt', counted: { personal: 0, sensitive: 0 } });
  });

  test('markdown is the memo: facts, decision, reasons, headroom, next steps, date, disclaimer', async () => {
    const { code, stdout } = await cli(['--in', file(cn([marketing(150_000)])), '--format', 'markdown', '--date', '2026-03-31']);
    expect(code).toBe(0);
    for (const part of ['## Facts', '## Reasons', '## Headroom', '## Next steps', 'Date: 2026-03-31', 'not legal advice']) {
      expect(stdout).toContain(part);
    }
    expect(stdout).toContain('**Decision: Standard contract');
    expect(stdout).toContain('| Non-sensitive | 150,000 | 1,000,000 | 849,999 | security assessment (CAC Provisions 2024 Art. 7(2)) |');
  });

  test('a security-assessment memo with important data tells the officer to hold the transfer', async () => {
    const input = cn([{ purpose: 'payment_settlement', personal: 5, sensitive: 0, importantData: true }]);
    const { stdout } = await cli(['--in', file(input), '--format', 'markdown']);
    expect(stdout).toContain('Do not start (or continue) the transfers');
    expect(stdout).toContain('CAC Provisions 2024 Art. 2');
  });
});

describe('assess --in: bad input is refused with the field and value (exit 2)', () => {
  test.each<[string, unknown, RegExp]>([
    ['negative count', cn([marketing(-1)]), /flows\[0\]\.personal: got -1; must not be negative/],
    ['non-integer count', cn([marketing(1.5)]), /flows\[0\]\.personal: got 1\.5; must be a whole number/],
    ['count as a string', cn([marketing(0, '10' as unknown as number)]), /flows\[0\]\.sensitive: got "10"; must be a number/],
    ['unknown purpose', cn([{ ...marketing(1), purpose: 'lottery' }]), /flows\[0\]\.purpose: got "lottery"; must be one of: contract_necessity/],
    ['missing field', cn([{ purpose: 'marketing_analytics', personal: 1, sensitive: 0 }]), /flows\[0\]\.importantData: got nothing \(missing\)/],
    ['unknown key', cn([{ ...marketing(1), sensitve: 3 }]), /flows\[0\]: unknown key\(s\) "sensitve"/],
    ['year not a number', cn([marketing(1)], { year: '2026' }), /year: got "2026"; must be a year/],
    ['year before the Provisions', cn([marketing(1)], { year: 2023 }), /year: got 2023; must be 2024 or later/],
    ['missing ciio', { jurisdiction: 'CN', year: 2026, flows: [marketing(1)] }, /ciio: got nothing \(missing\)/],
    ['no flows', cn([]), /flows: got \[\]; must list at least one flow/],
    ['unknown jurisdiction', { jurisdiction: 'US' }, /jurisdiction: got "US"; must be "CN" \(CAC Provisions 2024\), "EU" \(GDPR Chapter V\) or "SG" \(PDPA s\. 26\)/],
    ['not an object', [1, 2], /\(root\): got \[1,2\]; must be a JSON object/],
    ['not JSON', '{ "jurisdiction": ', /not valid JSON/],
  ])('%s', async (_label, content, message) => {
    const path = file(content);
    const failure = cli(['--in', path]);
    await expect(failure).rejects.toBeInstanceOf(CliError);
    // Refused input: 1, as in every command (README, exit codes).
    await expect(failure).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(message) });
    await expect(failure).rejects.toMatchObject({ message: expect.not.stringContaining('\n') });
  });

  test('a missing file is refused input (1), as in every command', async () => {
    await expect(cli(['--in', '/nonexistent/flows.json'])).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/cannot read the file \(ENOENT\)/) });
  });

  test.each<[string, string[], RegExp]>([
    ['no --in', [], /--in FILE is required/],
    ['bad format', ['--in', 'x.json', '--format', 'pdf'], /--format: got "pdf"/],
    ['bad date', ['--in', 'x.json', '--date', '31/03/2026'], /--date: got "31\/03\/2026"/],
    ['unknown flag', ['--in', 'x.json', '--verbose'], /unknown flag --verbose/],
  ])('%s', async (_label, args, message) => {
    await expect(cli(args)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  test('--help prints the input shapes', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('"jurisdiction":"EU"');
  });
});

describe('assess --in (EU)', () => {
  const eu = (destination: Record<string, unknown>, rest: Record<string, unknown> = {}): Record<string, unknown> => ({
    jurisdiction: 'EU',
    destination,
    ...rest,
  });

  test.each<[string, Record<string, unknown>, string, number]>([
    ['US with DPF', eu({ country: 'US', recipientConditions: ['us_dpf_certified'] }), 'adequacy', 0],
    ['US with SCCs', eu({ country: 'US' }, { safeguards: ['scc'] }), 'scc', 0],
    ['Singapore with nothing: flagged', eu({ country: 'SG' }), 'none', 1],
  ])('%s → %s (exit %i)', async (_label, input, mechanism, exit) => {
    const { code, stdout } = await cli(['--in', file(input)]);
    expect(code).toBe(exit);
    expect(JSON.parse(stdout)).toMatchObject({ mechanism, headroom: null, allowed: exit === 0 });
  });

  test('the memo says NOT ALLOWED when no tool applies', async () => {
    const { stdout } = await cli(['--in', file(eu({ country: 'SG' })), '--format', 'markdown']);
    expect(stdout).toContain('NOT ALLOWED');
    expect(stdout).toContain('Do not transfer.');
  });

  test('an unknown safeguard is refused', async () => {
    await expect(cli(['--in', file(eu({ country: 'US' }, { safeguards: ['privacy_shield'] }))])).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/safeguards\[0\]: got "privacy_shield"; must be one of: bcr, scc/),
    });
  });
});

describe('assess --rule', () => {
  // A rule as issue 3 writes it: the extra keys belong to its schema and are ignored here.
  const rule = (legalBasis: string, purpose: string, country = 'SG'): Record<string, unknown> => ({
    id: 'sg-marketing',
    version: 1,
    destination: { region: 'ap-southeast-1', country, recipient: 'Acme SG Pte Ltd' },
    purpose,
    legalBasis,
    validFrom: '2026-01-01',
    fields: ['email'],
  });

  test('a fitting basis exits 0', async () => {
    const { code, stdout } = await cli(['--rule', file(rule('cac_standard_contract', 'marketing_analytics')), '--in', file(cn([marketing(150_000)]))]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rule: 'sg-marketing', fits: true });
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>, RegExp]>([
    ['contract necessity on marketing', rule('cac_contract_necessity', 'marketing_analytics'), cn([marketing(10)]), /Art\. 5\(1\) covers only/],
    ['a basis the headcounts outgrew', rule('cac_standard_contract', 'marketing_analytics'), cn([marketing(1_000_000)]), /require a security assessment/],
    ['exempt-below-threshold at 100,000', rule('cac_exempt_below_threshold', 'marketing_analytics'), cn([marketing(100_000)]), /only below 100,000/],
  ])('%s exits 1 with the reason', async (_label, r, flows, reason) => {
    const { code, stdout, stderr } = await cli(['--rule', file(r), '--in', file(flows)]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ fits: false, reason: expect.stringMatching(reason) });
    expect(stderr).toMatch(reason);
  });

  test('a GDPR basis against EU input; the destinations must agree', async () => {
    const euInput = file({ jurisdiction: 'EU', destination: { country: 'US', recipientConditions: ['us_dpf_certified'] } });
    expect((await cli(['--rule', file(rule('gdpr_adequacy', 'payment_settlement', 'US')), '--in', euInput])).code).toBe(0);
    await expect(cli(['--rule', file(rule('gdpr_adequacy', 'payment_settlement', 'JP')), '--in', euInput])).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/destination\.country "JP" differs/),
    });
  });

  test('a CAC basis against EU input is refused (1)', async () => {
    const euInput = file({ jurisdiction: 'EU', destination: { country: 'SG' } });
    await expect(cli(['--rule', file(rule('cac_security_assessment', 'marketing_analytics')), '--in', euInput])).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/checked against CN input/),
    });
  });

  test('a rule without a legalBasis is refused', async () => {
    const incomplete = rule('cac_security_assessment', 'marketing_analytics');
    delete incomplete.legalBasis;
    await expect(cli(['--rule', file(incomplete), '--in', file(cn([marketing(1)]))])).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/legalBasis: got nothing \(missing\)/),
    });
  });
});

describe('npx residency assess (spawned)', () => {
  const launcher = resolve(__dirname, '../../../bin/residency.js');

  test('decides from a file and exits 0; bad input exits 1 with one line on stderr', () => {
    const ok = spawnSync(process.execPath, [launcher, 'assess', '--in', file(cn([marketing(100_000)]))], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).mechanism).toBe('standard_contract_or_certification');

    const bad = spawnSync(process.execPath, [launcher, 'assess', '--in', file(cn([marketing(-5)]))], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(`residency assess: --in ${join(dir, `f${fileCount - 1}.json`)}: flows[0].personal: got -5; must not be negative\n`);
  });
});

describe('docs/assessment.md', () => {
  const root = resolve(__dirname, '../../..');
  const doc = readFileSync(join(root, 'docs/assessment.md'), 'utf8');

  test.each(['payment-settlement', 'marketing-analytics'])('the %s example shows what the command prints today', async (name) => {
    const { stdout } = await cli(['--in', join(root, `docs/examples/${name}.json`)]);
    expect(doc).toContain(stdout.trimEnd());
  });

  test('the rule example shows what the command prints today', async () => {
    const { stdout } = await cli(['--rule', join(root, 'docs/examples/rule-sg-marketing.json'), '--in', join(root, 'docs/examples/marketing-analytics.json')]);
    expect(doc).toContain(stdout.trimEnd());
  });
});

describe('assess: Singapore (PDPA), Brazil, international organisations, occasional transfers', () => {
  test.each<[string, Record<string, unknown>, number, string]>([
    ['SG with a contract', { jurisdiction: 'SG', destination: { country: 'US' }, mechanisms: ['contract'] }, 0, 'contract'],
    ['SG with nothing', { jurisdiction: 'SG', destination: { country: 'US' } }, 1, 'none'],
    ['EU to Brazil', { jurisdiction: 'EU', destination: { country: 'BR' } }, 0, 'adequacy'],
    ['EU to the European Patent Organisation', { jurisdiction: 'EU', destination: { internationalOrganisation: 'european_patent_organisation' } }, 0, 'adequacy'],
    ['EU, Art. 49(1)(b) for a regular transfer', { jurisdiction: 'EU', destination: { country: 'SG' }, derogations: ['contract_performance'] }, 1, 'none'],
    ['EU, Art. 49(1)(b) for an occasional transfer', { jurisdiction: 'EU', destination: { country: 'SG' }, derogations: ['contract_performance'], occasional: true }, 0, 'art49_derogation'],
  ])('%s exits %i (%s)', async (_label, input, code, mechanism) => {
    const result = await cli(['--in', file(input)]);
    expect(result.code).toBe(code);
    expect(JSON.parse(result.stdout)).toMatchObject({ mechanism });
  });

  test('an EU destination must name a country or an international organisation', async () => {
    await expect(cli(['--in', file({ jurisdiction: 'EU', destination: {} })])).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/must name a country or an internationalOrganisation/) });
  });
});

describe('assess --rule: the transfer-instrument register', () => {
  const root = resolve(__dirname, '../../..');
  const sgInput = (country: string) => file({ jurisdiction: 'SG', destination: { country }, mechanisms: ['contract'] });

  test('a shipped sg-home rule fits, its register found next to it and cited in the memo', async () => {
    const rulePath = join(root, 'rules/sg-home/us-chargebacks.json');
    const json = await cli(['--rule', rulePath, '--in', sgInput('US'), '--date', '2026-06-01']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ fits: true, instruments: { register: expect.stringMatching(/rules\/sg-home\/instruments\/register\.json$/), problems: [] } });
    const memo = await cli(['--rule', rulePath, '--in', sgInput('US'), '--date', '2026-06-01', '--format', 'markdown']);
    expect(memo.stdout).toMatch(/## Transfer instruments/);
    expect(memo.stdout).toMatch(/\| `pdpa-contract-us-processor` \| PDPA transfer contract; countries: US \| Example Card Processing Inc\. \| PSA-2026-004/);
    expect(memo.stdout).toMatch(/\| `dpa-us-processor` \| data processing agreement \(DPA\); sub-processors/);
    expect(memo.stdout).toMatch(/Instruments: complete and in force/);
  });

  test('a GDPR basis for Singapore-origin data is refused (exit 1) with the PDPA reason', async () => {
    const r = file({ id: 'us', purpose: 'payment_settlement', legalBasis: 'gdpr_scc', destination: { country: 'US' } });
    const { code, stdout, stderr } = await cli(['--rule', r, '--in', sgInput('US')]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).reason).toMatch(/Singapore-origin personal data leaves under the PDPA's Transfer Limitation Obligation/);
    expect(stderr).toMatch(/PDPA s\. 26/);
  });

  test('an expired instrument makes the rule not fit, naming the register, key and date', async () => {
    const register = file({ instruments: [{ id: 'pc-1', kind: 'pdpa_contract', recipient: 'Acme Inc.', reference: 'PC-1', signedOn: '2025-01-01', countries: ['US'], expiresOn: '2026-01-31' }] });
    const r = file({ id: 'us', purpose: 'payment_settlement', legalBasis: 'pdpa_contract', destination: { country: 'US', recipient: 'Acme Inc.' }, instruments: ['pc-1'], validUntil: '2026-12-31' });
    const { code, stderr } = await cli(['--rule', r, '--in', sgInput('US'), '--register', register, '--date', '2026-06-01']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/key instruments\[0\]\.expiresOn: value "2026-01-31": PDPA transfer contract "pc-1" expired before today \(2026-06-01\)/);
  });

  test('the CN memo cites the register entries its mechanism rests on', async () => {
    const register = join(root, 'rules/cn-home/instruments/register.json');
    const { stdout } = await cli(['--in', join(root, 'assessment/cn-home-2026.json'), '--format', 'markdown', '--register', register, '--date', '2026-06-01']);
    expect(stdout).toMatch(/## Transfer instruments\n\nFrom register `.*rules\/cn-home\/instruments\/register\.json`/);
    expect(stdout).toMatch(/\| `pia-sg-settlement-2026` \| personal information protection impact assessment \(PIA\) .* in force; review due 2027-05-18/);
  });

  test('without a register, the memo says what the mechanism needs', async () => {
    const { stdout } = await cli(['--in', file(cn([marketing(150_000)])), '--format', 'markdown']);
    expect(stdout).toMatch(/No transfer-instrument register was given .*CAC standard contract .*personal information outbound transfer certificate/);
  });

  test('a --register that does not exist is refused (1)', async () => {
    await expect(cli(['--in', file(cn([marketing(1)])), '--register', join(dir, 'missing.json')])).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/ENOENT/) });
  });
});
