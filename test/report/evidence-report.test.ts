import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildControlMatrix } from '../../lib/report/control-matrix';
import type { EvidenceModel } from '../../lib/report/evidence-model';
import type { SarifLog } from '../../lib/report/sarif';
import { EVIDENCE_FILES, writeEvidenceReport, type EvidenceSummary } from '../../lib/report/write-evidence-report';
import { run } from '../../lib/cli/report';
import { recordProvenance } from '../../lib/report/provenance';
import { guardRuleId } from '../../lib/nag/guard';
import { FIXTURE_PROFILE, FIXTURE_REGISTER, HOSTILE_REASON, synthEvidenceFixture } from './support/evidence-fixture';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
let summary: EvidenceSummary;
let model: EvidenceModel;

beforeAll(() => {
  synthEvidenceFixture(outdir);
  recordProvenance(outdir, { profile: FIXTURE_PROFILE });
  summary = writeEvidenceReport(outdir, { now: new Date('2026-03-01T00:00:00Z') });
  model = summary.model;
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const read = (file: string): string => fs.readFileSync(path.join(outdir, file), 'utf8');

describe('evidence model', () => {
  test('fails the residency breach, with the requirement it breaks', () => {
    const breach = model.results.find((r) => r.findingId === 'CrossBorder-RestrictedDataStaysHome' && r.constructPath === 'Destination/LeakedCards/Resource');
    expect(breach).toMatchObject({ status: 'fail', severity: 'error', stackPath: 'Destination', templateFile: 'Destination.template.json' });
    expect(breach?.requirements.map((q) => q.key)).toEqual(['domain:residency', 'domain:desensitization-before-transfer']);
    expect(summary.errorFindings).toBe(model.results.filter((r) => r.status === 'fail' && r.severity === 'error').length);
  });

  test('knows what passed: every compliant resource a rule applied to', () => {
    expect(model.results).toContainEqual(expect.objectContaining({ findingId: 'CrossBorder-DataClassTagged', constructPath: 'Home/Accounts/Resource', status: 'pass' }));
    expect(model.results).toContainEqual(expect.objectContaining({ pack: 'cdk-validator-cfnguard', ruleId: 'CT.DYNAMODB.PR.2', status: 'pass' }));
    expect(model.packs.find((p) => p.name === 'CrossBorder')).toMatchObject({ passesKnown: true, fail: 2, acknowledged: 0 });
    expect(model.results.filter((r) => r.pack === 'CrossBorder' && r.status === 'fail').map((r) => `${r.ruleId} ${r.constructPath}`)).toEqual([
      'CrossBorder-DataStoreCustomerManagedKey Destination/LeakedCards/Resource',
      'CrossBorder-RestrictedDataStaysHome Destination/LeakedCards/Resource',
    ]);
  });

  test('shows acknowledged findings with reason, owner and review date as synth recorded them', () => {
    expect(model.results.find((r) => r.findingId === guardRuleId('CT.CLOUDWATCH.PR.2') && r.constructPath === 'Home/Gateway/Resource')).toMatchObject({
      status: 'acknowledged',
      ruleId: 'CT.CLOUDWATCH.PR.2',
      acknowledgement: { reason: FIXTURE_REGISTER[0].reason, owner: 'security-architecture', reviewBy: '2099-12-31' },
    });
    expect(model.results.find((r) => r.findingId === 'AwsSolutions-S1' && r.constructPath === 'Home/CardsBackup/Resource')).toMatchObject({
      status: 'acknowledged',
      acknowledgement: { reason: HOSTILE_REASON, owner: 'storage-team' },
    });
  });

  test('lists acknowledgements in the templates that match no finding', () => {
    expect(model.staleAcknowledgements).toEqual([
      expect.objectContaining({ id: 'AwsSolutions-S1', stackPath: 'Home', constructPaths: expect.arrayContaining(['Home/AccessLogs/Resource']) }),
    ]);
  });
});

describe('compliance.sarif', () => {
  const sarif = (): SarifLog => JSON.parse(read(EVIDENCE_FILES.sarif));

  test('is a SARIF 2.1.0 log with one run per check that ran', () => {
    const log = sarif();
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.version).toBe('2.1.0');
    expect(log.runs.map((r) => r.tool.driver.name).sort()).toEqual(
      ['AwsSolutions', 'CrossBorder', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'cdk-validator-cfnguard'].sort(),
    );
  });

  test('locates each result in its template and construct, with a rule it indexes', () => {
    for (const run of sarif().runs) {
      for (const result of run.results) {
        expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
        expect(['error', 'warning', 'note']).toContain(result.level);
        expect(result.message.text.length).toBeGreaterThan(0);
        const [location] = result.locations;
        const template = read(location.physicalLocation.artifactLocation.uri).split('\n');
        const logicalId = location.logicalLocations[0].name ?? '';
        expect(template[location.physicalLocation.region.startLine - 1]).toContain(`"${logicalId}": {`);
        expect(location.logicalLocations[0].fullyQualifiedName).toMatch(/^(Home|Destination)\//);
      }
    }
  });

  test('marks acknowledged findings as suppressed in source, with the reason, and leaves passes out', () => {
    const results = sarif().runs.flatMap((r) => r.results);
    const acknowledged = results.filter((r) => r.suppressions !== undefined);
    expect(acknowledged.map((r) => r.suppressions)).toEqual(
      expect.arrayContaining([[{ kind: 'inSource', justification: HOSTILE_REASON }], [{ kind: 'inSource', justification: FIXTURE_REGISTER[0].reason }]]),
    );
    expect(results.length).toBe(model.results.filter((r) => r.status !== 'pass').length);
  });
});

describe('control matrix', () => {
  test('JSON: domain requirements first, in order, each with its worst result', () => {
    const matrix = JSON.parse(read(EVIDENCE_FILES.matrixJson)) as ReturnType<typeof buildControlMatrix>;
    const domain = matrix.requirements.slice(0, 9);
    expect(domain.map((q) => q.id)).toEqual([
      'classification',
      'encryption',
      'key-separation',
      'residency',
      'short-retention',
      'immutable-audit',
      'mfa',
      'least-privilege',
      'desensitization-before-transfer',
    ]);
    expect(Object.fromEntries(domain.map((q) => [q.id, q.result]))).toMatchObject({ residency: 'fail', 'immutable-audit': 'pass', mfa: 'pass' });
    const residency = domain.find((q) => q.id === 'residency');
    expect(residency?.rules.find((r) => r.ruleId === 'CrossBorder-RestrictedDataStaysHome')?.constructs).toContainEqual(
      expect.objectContaining({ constructPath: 'Destination/LeakedCards/Resource', result: 'fail' }),
    );
    expect(matrix.requirements.some((q) => q.framework === 'PCI DSS 4.0.1')).toBe(true);
    expect(matrix.requirements.some((q) => q.framework === 'PCI DSS 3.2.1')).toBe(false);
    expect(matrix.requirements.some((q) => q.framework === 'NIST 800-53 R5')).toBe(true);
    expect(matrix.requirements.find((q) => q.key === 'Control Tower:CT.CLOUDWATCH.PR.2')?.result).toBe('acknowledged');
  });

  test('CSV: a header and one row per requirement, rule and construct, with quoted cells', () => {
    const lines = read(EVIDENCE_FILES.matrixCsv).split('\r\n');
    expect(lines[0]).toBe('framework,requirement,requirement_title,pack,rule,stack,construct,logical_id,result,reason,owner,review_by');
    expect(lines.some((l) => l.startsWith('Domain,residency,') && l.includes('Destination/LeakedCards/Resource') && l.includes(',fail,'))).toBe(true);
    expect(lines.some((l) => l.includes('"Backup copy of <Cards>; logs on the source bucket cover access & ""reads""."'))).toBe(true);
    const matrix = buildControlMatrix(model);
    const rows = matrix.requirements.reduce((n, q) => n + Math.max(1, q.rules.reduce((m, r) => m + r.constructs.length, 0)), 0);
    expect(lines.filter((l) => l.length > 0)).toHaveLength(rows + 1);
  });
});

describe('evidence.html', () => {
  const html = (): string => read(EVIDENCE_FILES.html);

  test('is one self-contained page: no script, no external resource, a CSP that forbids fetching', () => {
    const page = html();
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\((?!#)/i);
    // Links only to files next to the page: relative, no scheme, no parent directory.
    const hrefs = [...page.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toContain(EVIDENCE_FILES.sarif);
    for (const href of hrefs) expect(href).toMatch(/^(?![a-z][a-z0-9+.-]*:)(?!\.\.\/)(?!\/)[^\s]+$/i);
    expect(page.match(/https?:\/\/[^"\s<]+/g) ?? []).toEqual(['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']);
  });

  test('has the summary per pack, findings, acknowledgements, data flow and residency map', () => {
    const page = html();
    for (const id of ['policy', 'packs', 'requirements', 'data-flow', 'residency', 'findings', 'acknowledgements', 'stale']) {
      expect(page).toContain(`<section id="${id}">`);
    }
    expect(page.match(/<svg /g)).toHaveLength(2);
    expect(page).toContain('Home: cn-north-1 (CN, aws-cn)');
    expect(page).toContain('C2/C3 stored outside home!');
    expect(page).toContain('<td data-label="Owner">security-architecture</td><td data-label="Review by">2099-12-31</td>');
    expect(page).toContain(`unacknowledged error finding(s)`);
  });

  test("fills the version column with the check libraries' versions installed at synth", () => {
    const version = (name: string): string => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
    const page = html();
    for (const pack of ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security']) {
      expect(page).toContain(`<td data-label="Pack"><code>${pack}</code></td><td data-label="Version">${version('cdk-nag')}</td>`);
    }
    expect(page).toContain(`<code>cdk-validator-cfnguard</code></td><td data-label="Version">${version('@cdklabs/cdk-validator-cfnguard')}</td>`);
  });

  test('escapes every text it shows', () => {
    const page = html();
    expect(page).toContain('Backup copy of &lt;Cards&gt;; logs on the source bucket cover access &amp; &quot;reads&quot;.');
    expect(page).not.toContain('<Cards>');
  });
});

// The page in a real browser (both widths, overflow, console errors): browser.test.ts.

describe('residency report (CLI)', () => {
  function capture(): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: () => string } {
    let out = '';
    return { io: { stdout: (t) => (out += t), stderr: (t) => (out += t) }, out: () => out };
  }

  test('writes the four files into the assembly and prints a summary; --strict fails on error findings', async () => {
    const { io, out } = capture();
    fs.rmSync(path.join(outdir, EVIDENCE_FILES.html));
    expect(await run([outdir], io)).toBe(0);
    expect(fs.existsSync(path.join(outdir, EVIDENCE_FILES.html))).toBe(true);
    expect(out()).toContain(`${summary.errorFindings} error finding(s)`);
    expect(out()).toContain(`(profile ${FIXTURE_PROFILE})`);
    expect(await run([outdir, '--strict'], capture().io)).toBe(1);
  });

  test('refuses a folder that is not a cloud assembly, and unknown options', async () => {
    await expect(run([path.join(outdir, 'nope')], capture().io)).rejects.toThrow(/is not a cloud assembly \(no manifest.json\)/);
    await expect(run([outdir, '--colour'], capture().io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('unknown option --colour') });
  });
});
