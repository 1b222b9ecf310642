import { mkdtempSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { createResidencyStacks } from '../../lib/residency-app';
import { loadApprovedTransfers } from '../../lib/transfer-rules';
import { shippedConfig, shippedContext, TEST_NOW } from '../support/app-fixture';

/**
 * The one test that bundles for real (every other synth runs with `aws:cdk:bundling-stacks` = []):
 * the stacks of both shipped profiles, synthesized with esbuild bundling into a temp dir, without
 * the check packs (bundle size does not depend on them). Same entry and options bundle once per
 * process (CDK caches staged assets), so the second profile costs only its own functions.
 */
const PROFILES = ['default', 'sg-home'] as const;
const MAX_BUNDLE_BYTES = 1024 * 1024;
const outdirs: Record<string, string> = {};

beforeAll(() => {
  // Bundling for real: without the suites' no-bundling context (test/jest-setup.ts).
  delete process.env.CDK_CONTEXT_JSON;
  for (const profile of PROFILES) {
    outdirs[profile] = mkdtempSync(join(tmpdir(), `residency-bundles-${profile}-`));
    const config = shippedConfig(profile);
    // CDK names every asset it bundles on stderr ("Bundling asset …", at construction): progress, not test output.
    const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new App({ outdir: outdirs[profile], context: shippedContext(), builtinCloudFormationValidation: false });
      createResidencyStacks(app, config, loadApprovedTransfers(config, join(__dirname, '..', '..'), TEST_NOW));
      app.synth();
    } finally {
      quiet.mockRestore();
    }
  }
}, 300_000);

afterAll(() => {
  for (const dir of Object.values(outdirs)) rmSync(dir, { recursive: true, force: true });
});

test.each(PROFILES)('every function bundle stays under 1 MiB (%s profile)', (profile) => {
  const assets = readdirSync(outdirs[profile]).filter((d) => d.startsWith('asset.'));
  expect(assets.length).toBeGreaterThan(0);
  const handlers = assets.map((asset) => join(outdirs[profile], asset, 'index.js')).filter((bundle) => existsSync(bundle));
  // Bundling really ran: every project function (and the CDK-provided custom resource handler) has one.
  expect(handlers.length).toBeGreaterThan(5);
  // Every script of a bundled asset: the handlers' and the extra entries' (the gateway's worker threads).
  const bundles = handlers.flatMap((handler) => readdirSync(join(handler, '..')).filter((file) => file.endsWith('.js')).map((file) => join(handler, '..', file)));
  expect(bundles.filter((bundle) => bundle.endsWith('gateway-worker.js'))).toHaveLength(1);
  for (const bundle of bundles) expect({ bundle, small: statSync(bundle).size < MAX_BUNDLE_BYTES }).toEqual({ bundle, small: true });
});
