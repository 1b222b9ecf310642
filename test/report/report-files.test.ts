import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { run } from '../../lib/cli/report';
import { CrossBorderChecks } from '../../lib/nag/cross-border-checks';
import { registerChecks } from '../../lib/nag/register-checks';
import { ACCOUNT, HOME, POLICY } from '../nag/support/nag-fixtures';
import { compareToBaseline } from '../../lib/report/baseline';
import { fileLink } from '../../lib/report/evidence-html';
import type { CheckResult, EvidenceModel } from '../../lib/report/evidence-model';
import { toJunitXml } from '../../lib/report/junit';
import { NAG_REPORT_HEADER } from '../../lib/report/nag-report-csv';
import { currentCommit, PROVENANCE_FILE, readProvenance, recordProvenance } from '../../lib/report/provenance';
import type { SarifLog } from '../../lib/report/sarif';
import { EVIDENCE_FILES, synthWithEvidence, writeEvidenceReport, type EvidenceSummary } from '../../lib/report/write-evidence-report';
import { baselineFixtureApp, CHANGED_ACKNOWLEDGEMENT, HOSTILE_REASON, synthBaselineFixture, synthKeepingFindings } from './support/evidence-fixture';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'report-files-'));
const before = path.join(root, 'before');
const after = path.join(root, 'after');
let printed = '';
let summary: EvidenceSummary;

beforeAll(() => {
  synthBaselineFixture(before, 'before');
  synthKeepingFindings(baselineFixtureApp(after, 'after'), { profile: 'fixture-profile', print: (text) => (printed += text) });
  summary = writeEvidenceReport(after, { now: new Date('2026-03-01T00:00:00Z') });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const read = (dir: string, file: string): string => fs.readFileSync(path.join(dir, file), 'utf8');

describe('synth verdict', () => {
  test('one line per pack with its counts, then the path of evidence.html', () => {
    const lines = printed.trimEnd().split('\n');
    const crossBorder = summary.model.packs.find((p) => p.name === 'CrossBorder');
    expect(crossBorder).toMatchObject({ failErrors: 7, acknowledged: 2 });
    expect(lines).toEqual([`CrossBorder: 7 errors, 0 warnings, 2 acknowledged, ${crossBorder?.pass} passed`, expect.stringMatching(/^evidence: /)]);
    expect(crossBorder?.pass).toBeGreaterThan(0);
    const shown = lines[1].replace(/^evidence: /, '');
    expect(path.basename(shown)).toBe(EVIDENCE_FILES.html);
    expect(fs.existsSync(path.resolve(shown))).toBe(true);
  });

  test('are printed also when synthesis fails on findings, before the failure is rethrown', () => {
    const outdir = fs.mkdtempSync(path.join(root, 'failing-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    new Bucket(new Stack(app, 'Home', { env: { account: ACCOUNT, region: HOME } }), 'Untagged');
    registerChecks(app, new CrossBorderChecks(app, POLICY));
    let text = '';
    expect(() => synthWithEvidence(app, { print: (t) => (text += t) })).toThrow(/CrossBorder-DataClassTagged/);
    expect(text).toMatch(/^CrossBorder: 2 errors, 0 warnings, 0 acknowledged, \d+ passed\nevidence: .*evidence\.html\n$/);
  });
});

describe('provenance', () => {
  test('records the commit (with the dirty flag), profile and check-library versions at synth', () => {
    const recorded = readProvenance(after);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(recorded).toMatchObject({ profile: 'fixture-profile', commit: { sha: head, dirty: expect.any(Boolean) } });
    expect(recorded?.tools['cdk-nag']).toBe(JSON.parse(fs.readFileSync(require.resolve('cdk-nag/package.json'), 'utf8')).version);
    const page = read(after, EVIDENCE_FILES.html);
    expect(page).toContain(`<code>${head}</code>`);
    expect(page).toContain('fixture-profile');
  });

  test('outside a git work tree there is no commit, and the page says so', () => {
    expect(currentCommit(os.tmpdir())).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(root, 'nogit-'));
    fs.cpSync(after, dir, { recursive: true });
    recordProvenance(dir, { cwd: os.tmpdir(), profile: '<b>hostile</b>' });
    expect(readProvenance(dir)?.commit).toBeUndefined();
    writeEvidenceReport(dir, {});
    const page = read(dir, EVIDENCE_FILES.html);
    expect(page).toContain('not a git work tree at synth');
    expect(page).toContain('&lt;b&gt;hostile&lt;/b&gt;');
    expect(page).not.toContain('<b>hostile</b>');
  });

  test('a broken provenance file is named, not ignored', () => {
    const dir = fs.mkdtempSync(path.join(root, 'broken-'));
    fs.writeFileSync(path.join(dir, PROVENANCE_FILE), '{"synthesizedAt": 3}');
    expect(() => readProvenance(dir)).toThrow(new RegExp(`${PROVENANCE_FILE}: expected`));
  });
});

describe('evidence.html', () => {
  test('lists the SHA-256 of every template it judged, linked', () => {
    const page = read(after, EVIDENCE_FILES.html);
    const sha = createHash('sha256').update(fs.readFileSync(path.join(after, 'Home.template.json'))).digest('hex');
    expect(page).toContain(`<a href="Home.template.json"><code>Home.template.json</code></a></td><td data-label="SHA-256"><code>${sha}</code>`);
  });

  test('groups acknowledgements by rule and reason: one row with a count, the resources expandable', () => {
    const section = /<section id="acknowledgements">[\s\S]*?<\/section>/.exec(read(after, EVIDENCE_FILES.html))?.[0] ?? '';
    expect(section.match(/<tr><td/g)).toHaveLength(1);
    expect(section.split(CHANGED_ACKNOWLEDGEMENT.after.reason)).toHaveLength(2);
    expect(section).toContain('<td data-label="Findings" class="num">2</td>');
    expect(section).toMatch(/<details><summary>2 resources<\/summary><ul><li><code>Home\/Replica\/Resource<\/code>.*<li><code>Home\/ReplicaCopy\/Resource<\/code>/);
  });

  test('links the SARIF, JUnit and CSV files next to it, every link percent-encoded', () => {
    const page = read(after, EVIDENCE_FILES.html);
    for (const file of [EVIDENCE_FILES.sarif, EVIDENCE_FILES.junit, 'CrossBorder-Home-NagReport.csv']) expect(page).toContain(`<a href="${file}">`);
    expect(fileLink('a/"><script>x</script>:b.json')).toBe('<a href="a/%22%3E%3Cscript%3Ex%3C/script%3E%3Ab.json"><code>a/&quot;&gt;&lt;script&gt;x&lt;/script&gt;:b.json</code></a>');
    expect(fileLink('javascript:alert(1)')).toContain('href="javascript%3Aalert(1)"');
  });
});

describe('cdk-nag per-stack CSV', () => {
  test("cdk-nag's file name and header, every cell quoted, one row per rule and resource", () => {
    const text = read(after, 'CrossBorder-Home-NagReport.csv');
    expect(text.split('\n')[0]).toBe(NAG_REPORT_HEADER.join(','));
    expect(NAG_REPORT_HEADER).toEqual(['Rule ID', 'Resource ID', 'Compliance', 'Exception Reason', 'Rule Level', 'Rule Info']);
    for (const line of text.trimEnd().split('\n').slice(1)) expect(line).toMatch(/^"[^]*"$/);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(summary.model.results.filter((r) => r.pack === 'CrossBorder').length);
    expect(rows).toContainEqual(
      expect.objectContaining({ 'Rule ID': 'CrossBorder-DataClassTagged', 'Resource ID': 'Home/Replica/Resource', Compliance: 'Suppressed', 'Exception Reason': CHANGED_ACKNOWLEDGEMENT.after.reason, 'Rule Level': 'Error' }),
    );
    expect(rows).toContainEqual(expect.objectContaining({ 'Rule ID': 'CrossBorder-DataClassTagged', 'Resource ID': 'Home/Steady/Resource', Compliance: 'Non-Compliant', 'Exception Reason': 'N/A' }));
    expect(rows).toContainEqual(expect.objectContaining({ 'Resource ID': 'Home/Fixed/Resource', 'Rule ID': 'CrossBorder-DataClassTagged', Compliance: 'Compliant' }));
  });
});

describe('JUnit XML', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });

  test('well-formed: a testsuite per pack, a testcase per rule and resource, failures and skipped with the reason', () => {
    const xml = read(after, EVIDENCE_FILES.junit);
    expect(XMLValidator.validate(xml)).toBe(true);
    const suites = parser.parse(xml).testsuites.testsuite as { name: string; tests: string; failures: string; skipped: string; testcase: { name: string; failure?: unknown; skipped?: { message: string } }[] }[];
    expect(suites.map((s) => s.name)).toEqual(summary.model.packs.map((p) => p.name));
    const suite = suites[0];
    expect(suite.testcase).toHaveLength(Number(suite.tests));
    expect(suite.testcase.filter((c) => c.failure !== undefined)).toHaveLength(Number(suite.failures));
    expect(Number(suite.failures)).toBe(7);
    const replica = suite.testcase.find((c) => c.name === 'CrossBorder-DataClassTagged on Home/Replica/Resource');
    expect(replica?.skipped?.message).toContain(CHANGED_ACKNOWLEDGEMENT.after.reason);
  });

  test('escapes hostile text in attributes and bodies, and drops characters XML cannot hold', () => {
    const hostile = `${HOSTILE_REASON} ]]> <!-- 'x' \u0001\u001b`;
    const result: CheckResult = {
      pack: 'P&<"',
      ruleId: 'R',
      findingId: 'R]]>',
      status: 'fail',
      severity: 'warning',
      message: hostile,
      constructPath: 'S/<x>',
      requirements: [],
    };
    const model = { generatedAt: '2026-03-01T00:00:00.000Z', packs: [{ name: 'P&<"', passesKnown: true, fail: 1, failErrors: 0, acknowledged: 0, pass: 0 }], results: [result, { ...result, findingId: 'A', status: 'acknowledged', acknowledgement: { reason: hostile, owner: 'o&"' } }] } as unknown as EvidenceModel;
    const xml = toJunitXml(model);
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true }).parse(xml).testsuites.testsuite;
    expect(suite.name).toBe('P&<"');
    expect(suite.testcase[0].failure.message).toBe(`${HOSTILE_REASON} ]]> <!-- 'x' \uFFFD\uFFFD`);
    expect(suite.testcase[1].skipped.message).toContain('owner o&"');
  });
});

describe('residency report --baseline', () => {
  const capture = () => {
    let out = '';
    return { io: { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) }, out: () => out };
  };

  test('shows new, fixed and changed findings and acknowledgements against the old assembly', async () => {
    const { io, out } = capture();
    expect(await run([after, '--baseline', before], io)).toBe(0);
    const text = out();
    expect(text).toContain(`against baseline ${before}: 2 new, 1 fixed, 2 changed, 5 unchanged`);
    expect(text).toMatch(/new \(2\):\n {2}CrossBorder CrossBorder-DataClassTagged \(error\) on Home\/Added\/Resource\n {2}CrossBorder CrossBorder-DataStoreCustomerManagedKey \(error\) on Home\/Added\/Resource/);
    expect(text).toMatch(/fixed \(absent now\) \(1\):\n {2}CrossBorder CrossBorder-DataClassTagged \(error\) on Home\/Fixed\/Resource\n/);
    // Owners are recorded in each assembly's evaluation record, so an owner change shows end to end.
    expect(text).toContain(
      'on Home/Replica/Resource acknowledged: ' +
        CHANGED_ACKNOWLEDGEMENT.after.reason +
        `: acknowledgement reason changed; owner ${CHANGED_ACKNOWLEDGEMENT.before.owner} → ${CHANGED_ACKNOWLEDGEMENT.after.owner}\n`,
    );
    expect(read(after, EVIDENCE_FILES.html)).toContain('<section id="baseline">');
  });

  test('marks SARIF results with their baselineState, the fixed ones as absent', () => {
    const log = JSON.parse(read(after, EVIDENCE_FILES.sarif)) as SarifLog;
    const results = log.runs.flatMap((r) => r.results);
    const state = (fragment: string) => results.filter((r) => r.message.text.includes(fragment)).map((r) => `${r.properties.findingId} ${r.baselineState}`).sort();
    expect(results.every((r) => ['new', 'unchanged', 'updated', 'absent'].includes(r.baselineState ?? ''))).toBe(true);
    expect(state('on Home/Added/Resource')).toEqual(['CrossBorder-DataClassTagged new', 'CrossBorder-DataStoreCustomerManagedKey new']);
    expect(state('on Home/Fixed/Resource')).toEqual(['CrossBorder-DataClassTagged absent', 'CrossBorder-DataStoreCustomerManagedKey unchanged']);
    expect(state('on Home/Replica/Resource')).toEqual(['CrossBorder-DataClassTagged updated', 'CrossBorder-DataStoreCustomerManagedKey unchanged']);
  });

  test('without --baseline, SARIF results carry no baselineState', async () => {
    expect(await run([after], capture().io)).toBe(0);
    const log = JSON.parse(read(after, EVIDENCE_FILES.sarif)) as SarifLog;
    expect(log.runs.flatMap((r) => r.results).some((r) => 'baselineState' in r)).toBe(false);
  });

  test('a level or owner change is a change; an unknown baseline is refused by name', async () => {
    const model = summary.model;
    const raised = { ...model, results: model.results.map((r) => (r.constructPath === 'Home/Steady/Resource' ? { ...r, severity: 'warning' as const } : r)) };
    const updated = compareToBaseline(model, raised).entries.filter((e) => e.state === 'updated');
    expect(updated.map((e) => e.changes)).toEqual([['level warning → error'], ['level warning → error']]);
    // Owners come from the register (templates carry reasons only): compared whenever both models have them.
    const owned = (owner: string): EvidenceModel => ({
      ...model,
      results: model.results.map((r) => (r.acknowledgement ? { ...r, acknowledgement: { ...r.acknowledgement, owner } } : r)),
    });
    const handedOver = compareToBaseline(owned(CHANGED_ACKNOWLEDGEMENT.after.owner), owned(CHANGED_ACKNOWLEDGEMENT.before.owner)).entries.filter((e) => e.state === 'updated');
    expect(handedOver.map((e) => e.changes)).toEqual([['owner storage-team → platform-team'], ['owner storage-team → platform-team']]);
    await expect(run([after, '--baseline'], capture().io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--baseline needs a cloud assembly directory') });
    await expect(run([after, '--baseline', path.join(root, 'nope')], capture().io)).rejects.toThrow(/--baseline .*nope: not a cloud assembly/);
  });
});
