import { acknowledgementsFor } from '../../lib/nag/acknowledgements';
import { baseRuleId, findingRefsFromValidationReport, type FindingRef, registerProblems } from '../../lib/nag/acknowledgement-checks';
import { GUARD_PLUGIN_NAME } from '../../lib/nag/guard';
import { recordEvaluation } from '../../lib/nag/rule-recorder';
import { readValidationReport } from '../../lib/report/validation-report';
import { writeEvidenceReport } from '../../lib/report/write-evidence-report';
import { buildApp } from '../support/app-fixture';

/**
 * The real app, built and synthesized once per profile (tags are applied by aspects during
 * synthesis, so every check reads the finished tree):
 * - every registered pack finds nothing;
 * - the acknowledgement register: every acknowledgement must still match a raw finding (not
 *   stale), be within its review date, carry a real reason, and never cover an error-level rule
 *   stack-wide. Raw findings are what the packs and cfn-guard report before acknowledgements;
 * - the evidence report agrees with synth.
 */
describe.each(['default', 'sg-home'])('the real app (%s profile)', (profile) => {
  const built = buildApp(profile);
  let findings: FindingRef[] = [];
  let errorRuleIds: string[] = [];
  let assemblyDir = '';

  beforeAll(() => {
    const assembly = built.app.synth();
    assemblyDir = assembly.directory;
    const { config } = built;
    const recorded = recordEvaluation(built.app, [
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
      ...findingRefsFromValidationReport(readValidationReport(assembly.directory) ?? []),
    ];
    errorRuleIds = [
      ...[...recorded.rules.values()].filter((r) => r.level === 'error').map((r) => r.ruleId),
      ...acknowledgementsFor(config).map((a) => baseRuleId(a.ruleId)).filter((id) => id.startsWith(GUARD_PLUGIN_NAME)),
    ];
  });

  test('registers AwsSolutions, NIST 800-53 R5, PCI DSS 3.2.1, HIPAA and CrossBorder', () => {
    expect(built.packs.map((p) => p.readPackName).sort()).toEqual(['AwsSolutions', 'CrossBorder', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']);
  });

  test.each(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'CrossBorder'])('%s finds nothing', (packName) => {
    const pack = built.packs.find((p) => p.readPackName === packName);
    const report = pack!.validateScope(built.app);
    const findings = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
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
