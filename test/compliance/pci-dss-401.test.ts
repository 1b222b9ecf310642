import type { CfnResource } from 'aws-cdk-lib';
import { PCIDSS321Checks, type IApplyRule } from 'cdk-nag';
import {
  PCI_DSS_401_MAPPING,
  PCI_DSS_401_REQUIREMENTS,
  PCI_DSS_FRAMEWORK,
  pciDss401MappingOf,
  pciDss401RequirementsOf,
} from '../../lib/compliance/pci-dss-401';
import { requirementsOf } from '../../lib/report/requirement-map';

/** Every rule the installed cdk-nag PCI pack applies, with the control ids it prints. */
class ListPciRules extends PCIDSS321Checks {
  readonly rules = new Map<string, string[]>();
  protected applyRule(params: IApplyRule): void {
    const ids = /\(Control IDs?: ([^)]*)\)/.exec(params.info)?.[1].split(/,\s*/) ?? [];
    this.rules.set(`${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`, ids);
  }
  /** applyRule is replaced, so no rule runs: the resource is never read. */
  listAll(): this {
    this.checkResource({} as CfnResource);
    return this;
  }
}
const pack = new ListPciRules().listAll();

describe('PCI DSS 4.0.1 mapping of the PCI.DSS.321 pack', () => {
  test('covers every rule the installed pack raises, and no other', () => {
    expect(pack.rules.size).toBeGreaterThan(60);
    expect(Object.keys(PCI_DSS_401_MAPPING).map((name) => `PCI.DSS.321-${name}`).sort()).toEqual([...pack.rules.keys()].sort());
  });

  test("keeps the pack's own (retired 3.2.1) control ids exactly as the pack prints them", () => {
    for (const [ruleId, printed] of pack.rules) expect({ ruleId, v321: pciDss401MappingOf(ruleId)?.v321 }).toEqual({ ruleId, v321: printed });
  });

  test('maps each rule to at least one known 4.0.1 requirement, and every listed requirement is used', () => {
    const used = new Set<string>();
    for (const [name, { v401 }] of Object.entries(PCI_DSS_401_MAPPING)) {
      expect({ name, count: v401.length > 0 }).toEqual({ name, count: true });
      for (const id of v401) {
        expect(Object.keys(PCI_DSS_401_REQUIREMENTS)).toContain(id);
        used.add(id);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(PCI_DSS_401_REQUIREMENTS).sort());
  });

  test.each([
    ['PCI.DSS.321-S3DefaultEncryptionKMS', '3.5.1'],
    ['PCI.DSS.321-RDSStorageEncrypted', '3.5.1'],
    ['PCI.DSS.321-CloudWatchLogGroupRetentionPeriod', '10.5.1'],
    ['PCI.DSS.321-CloudTrailLogFileValidationEnabled', '10.3.4'],
    ['PCI.DSS.321-KMSBackingKeyRotationEnabled', '3.7.4'],
    ['PCI.DSS.321-S3BucketSSLRequestsOnly', '4.2.1'],
    ['PCI.DSS.321-IAMPolicyNoStatementsWithAdminAccess', '7.2.2'],
    ['PCI.DSS.321-ALBWAFEnabled', '6.4.2'],
    ['PCI.DSS.321-S3BucketLevelPublicAccessProhibited', '1.4.4'],
  ])('%s evidences 4.0.1 Req. %s', (ruleId, requirement) => {
    expect(pciDss401MappingOf(ruleId)?.v401).toContain(requirement);
  });

  test('stored-PAN checks map to 3.5.1, never to 3.4.1 (display masking) or the retired 3.4', () => {
    for (const { v401 } of Object.values(PCI_DSS_401_MAPPING)) {
      expect(v401).not.toContain('3.4.1');
      expect(v401).not.toContain('3.4');
    }
  });

  test('the evidence labels PCI findings 4.0.1, with the pack\'s 3.2.1 id as its retired label', () => {
    const requirements = requirementsOf('PCI.DSS.321', 'PCI.DSS.321-S3DefaultEncryptionKMS', 'The S3 Bucket is not encrypted with a KMS Key by default - (Control IDs: 3.4, 8.2.1, 10.5).');
    expect(requirements).toEqual([
      {
        key: 'PCI DSS 4.0.1:3.5.1',
        framework: PCI_DSS_FRAMEWORK,
        id: '3.5.1',
        title: expect.stringMatching(/^PCI DSS 4\.0\.1 Req\. 3\.5\.1: PAN is rendered unreadable anywhere it is stored .*\(cdk-nag pack label PCI DSS 3\.2\.1, retired: control .*3\.4/),
      },
    ]);
    expect(requirements.map((q) => q.framework)).not.toContain('PCI DSS 3.2.1');
  });

  test('a rule a newer cdk-nag adds is shown as unmapped, not dropped', () => {
    expect(pciDss401RequirementsOf('PCI.DSS.321-BrandNewRule')).toEqual([
      expect.objectContaining({ framework: PCI_DSS_FRAMEWORK, key: 'PCI DSS 4.0.1:unmapped:PCI.DSS.321-BrandNewRule', title: expect.stringMatching(/not yet mapped/) }),
    ]);
    expect(pciDss401MappingOf('PCI.DSS.321-constructor')).toBeUndefined();
  });
});
