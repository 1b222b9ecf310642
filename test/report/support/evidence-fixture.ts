import { App, Stack } from 'aws-cdk-lib';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { applyAcknowledgements, type Acknowledgement } from '../../../lib/nag/acknowledgement-register';
import { CrossBorderChecks } from '../../../lib/nag/cross-border-checks';
import { guardRuleId, residencyGuardValidator } from '../../../lib/nag/guard';
import { registerChecks } from '../../../lib/nag/register-checks';
import { synthWithEvidence, UnacknowledgedErrorsError, type SynthOptions } from '../../../lib/report/write-evidence-report';
import { addCompliantStacks } from '../../nag/support/compliant-app';
import { ACCOUNT, classify, HOME, POLICY } from '../../nag/support/nag-fixtures';

/** Text an auditor's browser must show as text, never run or parse as markup. */
export const HOSTILE_REASON = 'Backup copy of <Cards>; logs on the source bucket cover access & "reads".';

/** The profile name the fixture's evaluation records. */
export const FIXTURE_PROFILE = 'fixture';

export const FIXTURE_REGISTER: readonly Acknowledgement[] = [
  {
    ruleId: guardRuleId('CT.CLOUDWATCH.PR.2'),
    construct: 'Gateway',
    reason: 'Operational logs are kept 30 days by design (storage limitation); the audit record is immutable for longer.',
    owner: 'security-architecture',
    reviewBy: '2099-12-31',
  },
  { ruleId: 'AwsSolutions-S1', construct: 'CardsBackup', reason: HOSTILE_REASON, owner: 'storage-team', reviewBy: '2099-06-30' },
  // cdk-nag does not flag the access-log target itself: this one is stale on purpose.
  { ruleId: 'AwsSolutions-S1', construct: 'AccessLogs', reason: 'The access-log target does not log its own access.', owner: 'storage-team', reviewBy: '2099-06-30' },
];

/**
 * Synthesizes the compliant home + destination app, plus one residency breach (C2 data stored in
 * the destination), with every pack and cfn-guard registered, into `outdir`, recording its
 * evaluation (profile `fixture`). CDK does not throw on findings here; the evidence writer's own
 * refusal of the unacknowledged breach is caught, so the assembly, its evaluation record and
 * evidence are what a failing CI run leaves.
 */
export function synthEvidenceFixture(outdir: string): App {
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: { '@aws-cdk/core:failSynthOnValidationErrors': false },
  });
  const { destination } = addCompliantStacks(app);
  classify(new Bucket(destination, 'LeakedCards', { encryption: BucketEncryption.S3_MANAGED }), 'C2');
  applyAcknowledgements(app, FIXTURE_REGISTER);
  const props = { writeSuppressionsToCloudFormation: true };
  registerChecks(
    app,
    new AwsSolutionsChecks(app, props),
    new NIST80053R5Checks(app, props),
    new PCIDSS321Checks(app, props),
    new HIPAASecurityChecks(app, props),
    new CrossBorderChecks(app, { ...POLICY, ...props }),
    residencyGuardValidator(),
  );
  try {
    synthWithEvidence(app, { profile: FIXTURE_PROFILE });
  } catch (err) {
    if (!(err instanceof UnacknowledgedErrorsError)) throw err;
  }
  return app;
}

export type BaselineVariant = 'before' | 'after';

/** The acknowledgement the two small assemblies disagree on: same rule and resource, other reason and owner. */
export const CHANGED_ACKNOWLEDGEMENT = {
  before: { reason: 'A replica of the home table, tagged by the team that owns the source table.', owner: 'storage-team' },
  after: { reason: 'Tagged by the replication job that creates it; see the storage runbook section 4.', owner: 'platform-team' },
} as const;

/**
 * Two small assemblies (one home stack, CrossBorder only) for baseline comparisons, quick to synthesize:
 * - `Fixed` is untagged before (a finding) and tagged after (fixed);
 * - `Added` only exists after, untagged (a new finding);
 * - `Replica` is untagged in both, acknowledged with another reason and owner after (changed);
 * - `Steady` is untagged in both, never acknowledged (unchanged);
 * - `ReplicaCopy` is acknowledged like `Replica`, so the page groups two resources under one reason.
 */
export function synthBaselineFixture(outdir: string, variant: BaselineVariant): App {
  const app = baselineFixtureApp(outdir, variant);
  synthKeepingFindings(app, {});
  return app;
}

/**
 * `synthWithEvidence` for a fixture whose findings are the point: the record and the evidence are
 * written before synth refuses the unacknowledged errors, and that refusal is expected here.
 */
export function synthKeepingFindings(app: App, options: SynthOptions): void {
  try {
    synthWithEvidence(app, options);
  } catch (err) {
    if (!(err instanceof UnacknowledgedErrorsError)) throw err;
  }
}

/** The app of `synthBaselineFixture`, not yet synthesized (to synthesize it through `synthWithEvidence`). */
export function baselineFixtureApp(outdir: string, variant: BaselineVariant): App {
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Home', { env: { account: ACCOUNT, region: HOME } });
  const fixed = new Bucket(stack, 'Fixed', { encryption: BucketEncryption.S3_MANAGED });
  if (variant === 'after') {
    classify(fixed, 'C1');
    new Bucket(stack, 'Added', { encryption: BucketEncryption.S3_MANAGED });
  }
  new Bucket(stack, 'Replica', { encryption: BucketEncryption.S3_MANAGED });
  new Bucket(stack, 'ReplicaCopy', { encryption: BucketEncryption.S3_MANAGED });
  new Bucket(stack, 'Steady', { encryption: BucketEncryption.S3_MANAGED });
  applyAcknowledgements(
    app,
    ['Replica', 'ReplicaCopy'].map((construct) => ({ ruleId: 'CrossBorder-DataClassTagged', construct, reviewBy: '2099-01-31', ...CHANGED_ACKNOWLEDGEMENT[variant] })),
  );
  registerChecks(app, new CrossBorderChecks(app, { ...POLICY, writeSuppressionsToCloudFormation: true }));
  return app;
}
