import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, type NagPack, PCIDSS321Checks } from 'cdk-nag';

/**
 * Registers the standard cdk-nag packs on the app as validation plugins. Acknowledgements are
 * written into the templates' Metadata (`cdk_nag.rules_to_suppress`) so a reviewer reading only the
 * synthesized template sees every exception and its reason.
 */
export function registerCheckPacks(app: App): NagPack[] {
  const props = { verbose: true, writeSuppressionsToCloudFormation: true };
  const packs: NagPack[] = [
    new AwsSolutionsChecks(app, props),
    new NIST80053R5Checks(app, props),
    new PCIDSS321Checks(app, props),
    new HIPAASecurityChecks(app, props),
  ];
  Validations.of(app).addPlugins(...packs);
  return packs;
}
