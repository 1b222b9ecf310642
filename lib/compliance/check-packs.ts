import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, type NagPack, PCIDSS321Checks } from 'cdk-nag';
import type { ResidencyConfig } from '../config';
import { CrossBorderChecks } from '../nag/cross-border-checks';
import { earlyValidations, residencyGuardValidator } from '../nag/guard';
import { registerChecks } from '../nag/register-checks';

export interface RegisteredChecks {
  /** The cdk-nag packs: the four standard ones and our CrossBorder pack. */
  readonly packs: NagPack[];
}

/**
 * Registers every check on the app as a validation plugin: cdk-nag AwsSolutions, NIST 800-53 R5,
 * the PCI pack (cdk-nag's only one is labelled PCI DSS 3.2.1, retired 31 March 2024; the evidence
 * maps its findings to PCI DSS 4.0.1, see pci-dss-401.ts) and HIPAA Security, our CrossBorder pack (residency, retention ceiling, MFA, key
 * separation, immutable audit...), and cfn-guard with the AWS Control Tower proactive rules.
 * Acknowledgements are written into the templates' Metadata (`cdk_nag.rules_to_suppress`) so a
 * reviewer reading only the synthesized template sees every exception and its reason.
 */
export function registerCheckPacks(app: App, config: ResidencyConfig): RegisteredChecks {
  const props = { verbose: true, writeSuppressionsToCloudFormation: true };
  const packs: NagPack[] = [
    new AwsSolutionsChecks(app, props),
    new NIST80053R5Checks(app, props),
    new PCIDSS321Checks(app, props),
    new HIPAASecurityChecks(app, props),
    new CrossBorderChecks(app, {
      ...props,
      homeRegion: config.homeRegion,
      allowedRegions: [config.homeRegion, ...config.allowedDestinationRegions],
      maxLogRetentionDays: config.logRetentionDays,
    }),
  ];
  const guard = residencyGuardValidator();
  // cfn-guard and CDK's CloudFormation validation start first, on worker threads, and are collected after the packs (see guard.ts).
  const early = earlyValidations(app, guard);
  if (early !== undefined) Validations.of(app).addPlugins(early.first);
  registerChecks(app, ...packs, guard);
  if (early !== undefined) Validations.of(app).addPlugins(early.last);
  return { packs };
}
