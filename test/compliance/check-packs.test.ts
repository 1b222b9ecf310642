import { buildApp } from '../support/app-fixture';

describe.each(['default', 'sg-home'])('the real app (%s profile) through every registered pack', (profile) => {
  const built = buildApp(profile);
  // Tags (data-class, residency) are applied by aspects during synthesis: check the finished tree.
  beforeAll(() => built.app.synth());

  test('registers AwsSolutions, NIST 800-53 R5, PCI DSS 3.2.1, HIPAA and CrossBorder', () => {
    expect(built.packs.map((p) => p.readPackName).sort()).toEqual(['AwsSolutions', 'CrossBorder', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']);
  });

  test.each(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security', 'CrossBorder'])('%s finds nothing', (packName) => {
    const pack = built.packs.find((p) => p.readPackName === packName);
    const report = pack!.validateScope(built.app);
    const findings = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
