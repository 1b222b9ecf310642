/**
 * The CDK feature flags cdk.json sets: every flag aws-cdk-lib recommends has a value there (so
 * `cdk synth` prints no "N feature flags are not configured" notice), each one the recommended
 * value except the deliberate deviations below, which README.md ("CDK feature flags") explains.
 * After an upgrade of aws-cdk-lib that brings new flags, this test names them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { FLAGS } from 'aws-cdk-lib/cx-api';

const ROOT = join(__dirname, '..');
const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const recommended = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as Record<string, unknown>;

/**
 * Set against the recommendation, each for a reason README.md states:
 * partition literals would write `arn:aws-cn:` into the templates, which CrossBorder-NoHardcodedPartition
 * refuses (ARNs are built from AWS::Partition so a template never names its partition by hand).
 */
const DELIBERATE: Record<string, unknown> = { '@aws-cdk/core:enablePartitionLiterals': false };

interface FlagReport {
  readonly userValue?: unknown;
  readonly recommendedValue: unknown;
  readonly unconfiguredBehavesLike?: { readonly v2?: unknown };
}

test('the app reports no flag the CDK CLI would call "not configured"', () => {
  const assembly = new App({ context }).synth();
  const report = assembly.manifest.artifacts?.['aws-cdk-lib/feature-flag-report'];
  const flags = (report?.properties as { flags: Record<string, FlagReport> } | undefined)?.flags ?? {};
  expect(Object.keys(flags).length).toBeGreaterThan(50);
  // The CLI's rule (FlagOperations.filterNeedsAttention): no user value, and the default is not the recommendation.
  const unconfigured = Object.entries(flags)
    .filter(([, flag]) => flag.userValue === undefined && String(flag.unconfiguredBehavesLike?.v2 ?? false) !== String(flag.recommendedValue))
    .map(([name]) => name);
  expect(unconfigured).toEqual([]);
});

test('every recommended flag is set, to the recommended value unless it is a stated deviation', () => {
  const missing = Object.keys(recommended).filter((name) => !(name in context));
  expect(missing).toEqual([]);
  const differing = Object.fromEntries(Object.keys(recommended).filter((name) => JSON.stringify(context[name]) !== JSON.stringify(recommended[name])).map((name) => [name, context[name]]));
  expect(differing).toEqual(DELIBERATE);
});

test('cdk.json sets no flag aws-cdk-lib does not know (a typo would be silently ignored)', () => {
  const flagLike = Object.keys(context).filter((key) => key.startsWith('@aws-cdk'));
  expect(flagLike.filter((name) => !(name in FLAGS))).toEqual([]);
});
