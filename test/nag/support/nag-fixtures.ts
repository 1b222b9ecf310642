import { App, Stack, Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CrossBorderChecks, type CrossBorderChecksProps } from '../../../lib/nag/cross-border-checks';
import { DATA_CLASS_TAG } from '../../../lib/vocabulary/data-classes';

export const HOME = 'cn-north-1';
export const DESTINATION = 'ap-southeast-1';
export const ACCOUNT = '111111111111';

export const POLICY: CrossBorderChecksProps = { homeRegion: HOME, allowedRegions: [HOME, DESTINATION], maxLogRetentionDays: 90 };

/** An app for rule fixtures: CDK's built-in template validation is off, it only slows the tests. */
export function fixtureApp(): App {
  return new App({ builtinCloudFormationValidation: false });
}

/** A fresh app with one stack in the home region (more stacks via `app`). */
export function homeStack(id = 'Home', region = HOME): { app: App; stack: Stack } {
  const app = fixtureApp();
  const stack = new Stack(app, id, { env: { account: ACCOUNT, region } });
  return { app, stack };
}

export function classify(scope: IConstruct, dataClass: string): void {
  Tags.of(scope).add(DATA_CLASS_TAG, dataClass);
}

export interface Finding {
  readonly ruleId: string;
  readonly constructPath: string;
}

/**
 * Runs the CrossBorder pack over an app, after synthesizing it without plugins so aspects (tags)
 * have run, exactly as they have when CDK invokes the plugin. Returns one entry per flagged resource.
 */
export function crossBorderFindings(app: App, props: CrossBorderChecksProps = POLICY): Finding[] {
  app.synth();
  const report = new CrossBorderChecks(undefined, props).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({ ruleId: v.ruleName, constructPath: r.constructPath ?? '' })));
}

/** Paths of the resources flagged with `CrossBorder-<rule>`. */
export function flaggedBy(app: App, rule: string, props: CrossBorderChecksProps = POLICY): string[] {
  return crossBorderFindings(app, props)
    .filter((f) => f.ruleId === `CrossBorder-${rule}`)
    .map((f) => f.constructPath);
}
