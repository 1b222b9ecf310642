import type { App } from 'aws-cdk-lib';
import type { ResidencyConfig } from './config';
import type { ApprovedTransfers } from './transfer-rules';
import { DestinationStack } from './stacks/destination-stack';
import { HomeDataStack } from './stacks/home-data-stack';

export interface ResidencyStacks {
  readonly home: HomeDataStack;
  readonly destinations: readonly DestinationStack[];
}

/**
 * Composes the stacks of one configuration: the home stack (all raw personal data) and one small
 * stack per allowed destination region. Every stack is pinned to its region explicitly.
 */
export function createResidencyStacks(app: App, config: ResidencyConfig, transfers: ApprovedTransfers): ResidencyStacks {
  const home = new HomeDataStack(app, `${config.projectName}-home`, {
    config,
    rules: transfers.rules,
    ciio: transfers.assessment?.ciio,
    instrumentRegister: transfers.register,
    env: { account: config.accounts.home, region: config.homeRegion },
    description: `Payment data residency: home region ${config.homeRegion} (raw personal data, keys, audit)`,
    terminationProtection: true,
  });
  const destinations = config.allowedDestinationRegions.map(
    (region) =>
      new DestinationStack(app, `${config.projectName}-dest-${region}`, {
        config,
        destinationRegion: region,
        env: { account: config.accounts.destinations?.[region] ?? config.accounts.home, region },
        description: `Payment data residency: landing zone in ${region} for desensitized transfers`,
        terminationProtection: true,
      }),
  );
  return { home, destinations };
}
