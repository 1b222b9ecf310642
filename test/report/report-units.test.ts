import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { csvCell } from '../../lib/report/control-matrix';
import { escapeHtml } from '../../lib/report/diagrams';
import { controlIdsIn, requirementsOf } from '../../lib/report/requirement-map';
import { normalizeSeverity, readValidationReport } from '../../lib/report/validation-report';

describe('csvCell', () => {
  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['-1', "'-1"],
    [undefined, ''],
  ])('%p → %p', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

test('escapeHtml escapes markup and both quote kinds', () => {
  expect(escapeHtml(`<a href="x">O'Neil & co</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;');
});

describe('requirement mapping', () => {
  test('reads the control ids cdk-nag packs print, parentheses included', () => {
    expect(controlIdsIn('The API Gateway stage ... - (Control IDs: AU-9(3), CP-9d, SC-8(3)).')).toEqual(['AU-9(3)', 'CP-9d', 'SC-8(3)']);
    expect(controlIdsIn('The X is not ... - (Control ID: 164.312(b)).')).toEqual(['164.312(b)']);
    expect(controlIdsIn('The S3 Bucket has server access logs disabled.')).toEqual([]);
  });

  test('maps each pack to its framework, CrossBorder to domain requirements, and the rest to the pack', () => {
    expect(requirementsOf('PCI.DSS.321', 'PCI.DSS.321-S3BucketLoggingEnabled', 'x - (Control IDs: 2.2, 10.1).').map((q) => q.key)).toEqual([
      'PCI DSS 4.0.1:10.2.1',
      'PCI DSS 4.0.1:10.2.2',
    ]);
    expect(requirementsOf('CrossBorder', 'CrossBorder-HumanRoleRequiresMfa', '').map((q) => q.key)).toEqual(['domain:mfa']);
    expect(requirementsOf('AwsSolutions', 'AwsSolutions-S1', 'The S3 Bucket has server access logs disabled.')).toEqual([
      { key: 'AwsSolutions:AwsSolutions-S1', framework: 'AwsSolutions', id: 'AwsSolutions-S1', title: 'The S3 Bucket has server access logs disabled.' },
    ]);
  });
});

describe('readValidationReport', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validation-report-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads the legacy policy-validation-report.json when that is all there is', () => {
    fs.writeFileSync(
      path.join(dir, 'policy-validation-report.json'),
      JSON.stringify({
        title: 'Validation Report',
        pluginReports: [
          {
            summary: { pluginName: 'AwsSolutions', status: 'failure' },
            violations: [
              {
                ruleName: 'AwsSolutions-S1',
                description: 'logs disabled',
                severity: 'error',
                violatingConstructs: [{ constructPath: 'Home/B/Resource', resourceLogicalId: 'N/A', templatePath: 'N/A' }],
              },
            ],
          },
        ],
      }),
    );
    expect(readValidationReport(dir)).toEqual([
      {
        pluginName: 'AwsSolutions',
        findings: [{ pluginName: 'AwsSolutions', ruleName: 'AwsSolutions-S1', description: 'logs disabled', severity: 'error', constructPath: 'Home/B/Resource' }],
      },
    ]);
  });

  test('returns undefined for an assembly without any report, and normalizes severities like CDK', () => {
    expect(readValidationReport(path.join(dir, 'missing'))).toBeUndefined();
    expect([undefined, 'FATAL', 'warning', 'info', 'custom-high'].map(normalizeSeverity)).toEqual(['error', 'error', 'warning', 'info', 'warning']);
  });
});
