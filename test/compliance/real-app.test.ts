import * as fs from 'fs';
import * as path from 'path';
import { readEvaluation, type EvaluationRecord } from '../../lib/evaluation/record';
import { acknowledgementsFor } from '../../lib/nag/acknowledgements';
import { baseRuleId, type FindingRef, registerProblems } from '../../lib/nag/acknowledgement-checks';
import { GUARD_PLUGIN_NAME } from '../../lib/nag/guard';
import { EVIDENCE_FILES, writeEvidenceReport } from '../../lib/report/write-evidence-report';
import { sarifSchemaErrors } from '../report/support/sarif-schema';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureAssembly } from '../support/fixture-assembly';

/**
 * The real app, built and synthesized once per profile (tags are applied by aspects during
 * synthesis, so every check reads the finished tree):
 * - every registered pack finds nothing;
 * - the acknowledgement register: every acknowledgement must still match a raw finding (not
 *   stale), be within its review date, carry a real reason, and never cover an error-level rule
 *   stack-wide. Raw findings are the recorded outcomes that are not passes (acknowledged or not);
 * - the evaluation record synth wrote: its profile, and an owner and review date on every
 *   acknowledged result; the evidence report read from it agrees with synth.
 */
describe.each(['default', 'sg-home'] as const)('the real app (%s profile)', (profile) => {
  // The profile as the global setup synthesized it, as bin/app.ts does: every pack and cfn-guard,
  // the evaluation record and the evidence (test/support/fixture-assembly.ts).
  const built = fixtureAssembly(profile);
  let findings: FindingRef[] = [];
  let errorRuleIds: string[] = [];
  let assemblyDir = '';

  let record: EvaluationRecord;

  beforeAll(() => {
    // A copy, so writing the evidence report below leaves the run's shared fixture alone.
    assemblyDir = mkdtempSync(join(tmpdir(), `residency-real-app-${profile}-`));
    cpSync(built.directory, assemblyDir, { recursive: true });
    record = readEvaluation(assemblyDir);
    findings = record.outcomes.filter((o) => o.status !== 'pass').map((o) => ({ findingId: o.findingId, constructPath: o.constructPath }));
    errorRuleIds = [
      ...record.rules.filter((r) => r.level === 'error').map((r) => r.ruleId),
      ...acknowledgementsFor(built.config).map((a) => baseRuleId(a.ruleId)).filter((id) => id.startsWith(GUARD_PLUGIN_NAME)),
    ];
  });

  afterAll(() => rmSync(assemblyDir, { recursive: true, force: true }));

  test('the assembly records its profile and every pack with passes', () => {
    expect(record.profile).toBe(profile);
    expect(record.packs.map((p) => [p.name, p.passesKnown])).toEqual(
      ['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'CrossBorder', GUARD_PLUGIN_NAME].map((name) => [name, true]),
    );
  });

  test('every acknowledged result is owned and has a review-by date', () => {
    const acknowledged = record.outcomes.filter((o) => o.status === 'acknowledged');
    expect(acknowledged.length).toBeGreaterThan(0);
    const unowned = acknowledged.filter((o) => !o.acknowledgement?.owner?.trim() || !/^\d{4}-\d{2}-\d{2}$/.test(o.acknowledgement?.reviewBy ?? ''));
    expect(unowned.map((o) => `${o.findingId} on ${o.constructPath}`)).toEqual([]);
  });

  test('registers AwsSolutions, NIST 800-53 R5, PCI DSS 3.2.1, HIPAA and CrossBorder', () => {
    expect([...built.packNames].sort()).toEqual(['AwsSolutions', 'CrossBorder', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']);
  });

  test.each(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'CrossBorder'])('%s finds nothing', (packName) => {
    expect(built.packNames).toContain(packName);
    expect(built.violations[packName]).toEqual([]);
  });

  test('the acknowledgement register has no expired, stale, thin or stack-wide error acknowledgement', () => {
    const problems = registerProblems({
      register: acknowledgementsFor(built.config),
      applied: built.acknowledgements,
      findings,
      errorRuleIds,
      today: new Date(),
    });
    expect(problems).toEqual([]);
  });

  test('the evidence report agrees with synth: no error finding, no stale acknowledgement', () => {
    const summary = writeEvidenceReport(assemblyDir);
    expect({ errors: summary.errorFindings, stale: summary.stale }).toEqual({ errors: 0, stale: 0 });
    expect(summary.acknowledged).toBeGreaterThan(0);
    expect(summary.passed).toBeGreaterThan(0);
    expect(sarifSchemaErrors(JSON.parse(fs.readFileSync(path.join(assemblyDir, EVIDENCE_FILES.sarif), 'utf8')))).toEqual([]);
  });

  test('the raw findings are there to acknowledge (the check above can fail)', () => {
    expect(findings.some((f) => f.findingId.startsWith('AwsSolutions-IAM5'))).toBe(true);
    expect(findings.some((f) => f.findingId.startsWith(GUARD_PLUGIN_NAME))).toBe(true);
  });
});
