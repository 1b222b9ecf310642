import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResidencyConfig } from '../config';
import { guardrailRegions, type PolicyDocumentJson, serviceControlPolicy } from '../constructs/region-guardrail';

/** File name of the service control policy, written next to the templates. */
export const SCP_FILE_SUFFIX = 'region-guardrail.scp.json';

/** The region guardrail SCP for a configuration's home account (regions in the home partition only). */
export function serviceControlPolicyFor(config: ResidencyConfig): PolicyDocumentJson {
  return serviceControlPolicy(guardrailRegions(config.homeRegion, config.allowedDestinationRegions));
}

/**
 * Writes the SCP into the cloud assembly directory (`cdk.out`), beside the templates it belongs to,
 * so every synth leaves a policy that matches the configuration it was built from. Returns the path.
 */
export function writeServiceControlPolicy(assemblyDirectory: string, config: ResidencyConfig): string {
  const path = join(assemblyDirectory, `${config.projectName}-${SCP_FILE_SUFFIX}`);
  writeFileSync(path, `${JSON.stringify(serviceControlPolicyFor(config), null, 2)}\n`);
  return path;
}
