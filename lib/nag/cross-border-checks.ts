import type { CfnResource } from 'aws-cdk-lib';
import { NagPack, type NagPackProps } from './cdk-nag-core';
import type { IConstruct } from 'constructs';
import { CROSS_BORDER_RULES } from './cross-border-rules';
import type { NagRule } from './nag-rule';
import { residencyPolicy, type ResidencyPolicy } from './residency-policy';

export const CROSS_BORDER_PACK_NAME = 'CrossBorder';

export interface CrossBorderChecksProps extends NagPackProps {
  /**
   * Where C2/C3 data may live (the config's `homeRegion`); also an allowed region.
   * @default - none: every C2/C3 resource fails `RestrictedDataStaysHome`, since home-only data
   * cannot be shown to be at home
   */
  readonly homeRegion?: string;
  /**
   * Regions any resource may be in (home plus the config's `allowedDestinationRegions`).
   * @default - only `homeRegion`; with neither set no region is allowed and every resource fails
   * `StackRegionAllowed`: a pack without a residency policy must not certify residency
   */
  readonly allowedRegions?: readonly string[];
  /**
   * Longest retention, in days, of a CloudWatch Logs group.
   * @default LOG_RETENTION_CEILING_DAYS (90)
   */
  readonly maxLogRetentionDays?: number;
}

/**
 * The checks cross-border payment data needs and no published pack makes: residency of stacks,
 * replicas and keys; C2/C3 data kept home; a ceiling on log retention; MFA for people; KMS key
 * policies with separated duties; an immutable audit trail; customer-managed keys and a class on
 * every store; no literal partition; no field for sensitive authentication data.
 *
 * Register it like the cdk-nag packs: `Validations.of(app).addPlugins(new CrossBorderChecks(app, props))`.
 */
export class CrossBorderChecks extends NagPack {
  public readonly name = CROSS_BORDER_PACK_NAME;
  public readonly policy: ResidencyPolicy;
  private readonly rules: readonly { readonly rule: NagRule; readonly definition: (typeof CROSS_BORDER_RULES)[number] }[];

  constructor(scope?: IConstruct, props: CrossBorderChecksProps = {}) {
    super(scope, props);
    this.packName = CROSS_BORDER_PACK_NAME;
    this.policy = residencyPolicy(props);
    this.rules = CROSS_BORDER_RULES.map((definition) => ({ definition, rule: definition.create(this.policy) }));
  }

  protected checkResource(node: CfnResource): void {
    for (const { definition, rule } of this.rules) {
      this.applyRule({
        info: definition.info(this.policy),
        explanation: definition.explanation,
        level: definition.level,
        rule,
        node,
      });
    }
  }
}
