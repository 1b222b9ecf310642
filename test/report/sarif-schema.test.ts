import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requirementsOf } from '../../lib/report/requirement-map';
import { toSarif } from '../../lib/report/sarif';
import { EVIDENCE_FILES } from '../../lib/report/write-evidence-report';
import { buildEvidenceModel } from '../../lib/report/evidence-model';
import { synthEvidenceFixture } from './support/evidence-fixture';
import { sarifSchemaErrors } from './support/sarif-schema';

describe('compliance.sarif against the official SARIF 2.1.0 schema', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sarif-schema-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  beforeAll(() => synthEvidenceFixture(outdir));

  test('the log synth writes is valid', () => {
    const log = JSON.parse(fs.readFileSync(path.join(outdir, EVIDENCE_FILES.sarif), 'utf8'));
    expect(log.runs.flatMap((r: { results: unknown[] }) => r.results).length).toBeGreaterThan(0);
    expect(sarifSchemaErrors(log)).toEqual([]);
  });

  test('a rule whose message lists a control id twice gets each tag once', () => {
    const model = buildEvidenceModel(outdir);
    const twice = 'The VPC allows remote access - (Control IDs: AC-4, AC-17(1), SC-7, AC-17(1)).';
    const result = { ...model.results.find((r) => r.status === 'fail')!, pack: 'NIST.800.53.R5', ruleId: 'NIST.800.53.R5-Twice', findingId: 'NIST.800.53.R5-Twice', message: twice };
    const log = toSarif({ ...model, results: [{ ...result, requirements: requirementsOf(result.pack, result.ruleId, twice) }], packs: [{ ...model.packs[0], name: 'NIST.800.53.R5' }] }, () => 1);
    expect(log.runs[0].tool.driver.rules[0].properties.tags).toEqual(['NIST 800-53 R5 AC-4', 'NIST 800-53 R5 AC-17(1)', 'NIST 800-53 R5 SC-7']);
    expect(sarifSchemaErrors(log)).toEqual([]);
  });

  test('the schema check fails a log with duplicate tags (it can fail)', () => {
    const log = JSON.parse(fs.readFileSync(path.join(outdir, EVIDENCE_FILES.sarif), 'utf8'));
    const run = log.runs.find((r: { tool: { driver: { rules: unknown[] } } }) => r.tool.driver.rules.length > 0);
    run.tool.driver.rules[0].properties.tags = ['same', 'same'];
    expect(sarifSchemaErrors(log).join('\n')).toMatch(/duplicate items|must NOT have duplicate/);
  });
});
