import { acknowledgementsFor } from '../../lib/nag/acknowledgements';
import { baseRuleId, findingRefsFromValidationReport, type FindingRef, registerProblems } from '../../lib/nag/acknowledgement-checks';
import { GUARD_PLUGIN_NAME } from '../../lib/nag/guard';
import { recordEvaluation } from '../../lib/nag/rule-recorder';
import { readValidationReport } from '../../lib/report/validation-report';
import { writeEvidenceReport } from '../../lib/report/write-evidence-report';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../support/app-fixture';
import { fixtureAssembly } from '../support/fixture-assembly';

/**
 * The real app, built and synthesized once per profile (tags are applied by aspects during
 * synthesis, so every check reads the finished tree):
 * - every registered pack finds nothing;
 * - the acknowledgement register: every acknowledgement must still match a raw finding (not
 *   stale), be within its review date, carry a real reason, and never cover an error-level rule
 *   stack-wide. Raw findings are what the packs and cfn-guard report before acknowledgements;
 * - the evidence report agrees with synth.
 */
describe.each(['default', 'sg-home'] as const)('the real app (%s profile)', (profile) => {
  // The profile as the global setup synthesized it with every pack (test/support/fixture-assembly.ts);
  // the recorder runs on the same stacks built and synthesized here without plugins (no second
  // pack and cfn-guard run in synth, no bundling).
  const built = fixtureAssembly(profile);
  const live = buildApp(profile, { checks: false });
  let findings: FindingRef[] = [];
  let errorRuleIds: string[] = [];
  let assemblyDir = '';

  beforeAll(() => {
    // A copy, so writing the evidence report below leaves the run's shared fixture alone.
    assemblyDir = mkdtempSync(join(tmpdir(), `residency-real-app-${profile}-`));
    cpSync(built.directory, assemblyDir, { recursive: true });
    live.app.synth();
    const { config } = built;
    const recorded = recordEvaluation(live.app, [
      { name: 'AwsSolutions' },
      { name: 'NIST.800.53.R5' },
      { name: 'PCI.DSS.321' },
      { name: 'HIPAA.Security' },
      {
        name: 'CrossBorder',
        crossBorder: { homeRegion: config.homeRegion, allowedRegions: [config.homeRegion, ...config.allowedDestinationRegions], maxLogRetentionDays: config.logRetentionDays },
      },
    ]);
    findings = [
      ...recorded.outcomes.filter((o) => o.status !== 'compliant').map((o) => ({ findingId: o.findingId, constructPath: o.constructPath })),
      ...findingRefsFromValidationReport(readValidationReport(built.directory) ?? []),
    ];
    errorRuleIds = [
      ...[...recorded.rules.values()].filter((r) => r.level === 'error').map((r) => r.ruleId),
      ...acknowledgementsFor(config).map((a) => baseRuleId(a.ruleId)).filter((id) => id.startsWith(GUARD_PLUGIN_NAME)),
    ];
  });

  afterAll(() => rmSync(assemblyDir, { recursive: true, force: true }));

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
    const summary = writeEvidenceReport(assemblyDir, { register: acknowledgementsFor(built.config) });
    expect({ errors: summary.errorFindings, stale: summary.stale }).toEqual({ errors: 0, stale: 0 });
    expect(summary.acknowledged).toBeGreaterThan(0);
    expect(summary.passed).toBeGreaterThan(0);
  });

  test('the raw findings are there to acknowledge (the check above can fail)', () => {
    expect(findings.some((f) => f.findingId.startsWith('AwsSolutions-IAM5'))).toBe(true);
    expect(findings.some((f) => f.findingId.startsWith(GUARD_PLUGIN_NAME))).toBe(true);
  });
});
