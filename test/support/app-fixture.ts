import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import { loadConfig, type ResidencyConfig } from '../../lib/config';
import { registerCheckPacks } from '../../lib/compliance/check-packs';
import { applyAcknowledgements, type AppliedAcknowledgement } from '../../lib/nag/acknowledgement-register';
import { acknowledgementsFor } from '../../lib/nag/acknowledgements';
import { createResidencyStacks, type ResidencyStacks } from '../../lib/residency-app';
import { loadApprovedTransfers } from '../../lib/transfer-rules';

/** Synth-time "now" of the tests: fixed, so rule validity does not depend on the day the suite runs. */
export const TEST_NOW = new Date('2026-06-01T00:00:00Z');
const APP_DIR = join(__dirname, '..', '..');

const CDK_JSON = join(__dirname, '..', '..', 'cdk.json');

/** The context shipped in cdk.json: profiles and the feature flags the real app runs with. */
export function shippedContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(CDK_JSON, 'utf8')).context as Record<string, unknown>;
}

/** The raw profiles shipped in cdk.json. */
export function shippedProfiles(): Record<string, unknown> {
  return shippedContext()['residency:profiles'] as Record<string, unknown>;
}

/** A shipped profile, validated. */
export function shippedConfig(profile: string): ResidencyConfig {
  return loadConfig(shippedProfiles()[profile], `cdk.json profile ${profile}`);
}

export interface BuiltApp {
  readonly app: App;
  readonly config: ResidencyConfig;
  readonly stacks: ResidencyStacks;
  readonly packs: NagPack[];
  readonly acknowledgements: AppliedAcknowledgement[];
}

/**
 * A profile only the tests use (never shipped in cdk.json): the default profile with the opt-in
 * CloudHSM key store enabled, against a made-up cluster.
 */
export function hsmTestConfig(): ResidencyConfig {
  const raw = shippedProfiles()['default'] as Record<string, unknown>;
  const cloudHsm = {
    enabled: true,
    clusterId: 'cluster-jxhlf7644ne',
    trustAnchorCertificateParameter: '/paydata/cloudhsm/customer-ca',
    keyStorePasswordSecretName: 'paydata/cloudhsm/kmsuser',
  };
  return loadConfig({ ...raw, cloudHsm }, 'test profile hsm');
}

/** Builds the real app for a shipped profile exactly as bin/app.ts does (packs, acknowledgements), without bundling. */
export function buildApp(profile: string, options: BuildOptions = {}): BuiltApp {
  return buildAppFor(shippedConfig(profile), options);
}

/**
 * CDK context that skips asset bundling in every stack (`Stack.bundlingRequired` is false, so a
 * NodejsFunction stages a placeholder instead of running esbuild). Every test synth uses it; only
 * the bundle-size test bundles for real.
 */
export const NO_BUNDLING: Record<string, unknown> = { 'aws:cdk:bundling-stacks': [] };

/** The shipped context without bundling: what every test app is built with. */
export function testContext(): Record<string, unknown> {
  return { ...shippedContext(), ...NO_BUNDLING };
}

export interface BuildOptions {
  /** Where synth writes the assembly. @default a temp dir CDK picks */
  readonly outdir?: string;
  /** Bundle the functions with esbuild (only the bundle-size test does). @default false */
  readonly bundle?: boolean;
  /**
   * Register the check packs and cfn-guard as validation plugins. Without them synth runs no
   * plugin (the packs can still be run on the tree); `packs` is then empty. @default true
   */
  readonly checks?: boolean;
}

/** Builds the real app for a validated config exactly as bin/app.ts does (packs, acknowledgements), without bundling. */
export function buildAppFor(config: ResidencyConfig, options: BuildOptions = {}): BuiltApp {
  const app = new App({ outdir: options.outdir, context: options.bundle === true ? shippedContext() : testContext() });
  const transfers = loadApprovedTransfers(config, APP_DIR, TEST_NOW);
  const stacks = createResidencyStacks(app, config, transfers);
  const packs = options.checks === false ? [] : registerCheckPacks(app, config).packs;
  const acknowledgements = applyAcknowledgements(app, acknowledgementsFor(config));
  return { app, config, stacks, packs, acknowledgements };
}

/** Every stack of a built app. */
export function allStacks(built: BuiltApp) {
  return [built.stacks.home, ...built.stacks.destinations];
}
