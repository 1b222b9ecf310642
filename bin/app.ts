#!/usr/bin/env node
/**
 * The CDK app: read context → typed config → approved transfer rules → stacks → check packs →
 * acknowledgements → synth, then the region guardrail SCP written next to the templates.
 * A bad configuration or transfer rule prints what is wrong and exits 1, without a stack trace.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfig, type ResidencyConfig, selectProfile } from '../lib/config';
import { registerCheckPacks } from '../lib/compliance/check-packs';
import { writeServiceControlPolicy } from '../lib/compliance/service-control-policy';
import { applyAcknowledgements } from '../lib/nag/acknowledgement-register';
import { acknowledgementsFor } from '../lib/nag/acknowledgements';
import { createResidencyStacks } from '../lib/residency-app';
import { synthOrExit } from '../lib/report/write-evidence-report';
import { loadApprovedTransfers } from '../lib/transfer-rules';
import { join } from 'node:path';

const app = new App();

let config: ResidencyConfig;
let transfers: ReturnType<typeof loadApprovedTransfers>;
let profile: ReturnType<typeof selectProfile>;
try {
  profile = selectProfile(app.node.tryGetContext('residency:profiles'), app.node.tryGetContext('residency:profile'));
  config = loadConfig(profile.raw, `cdk.json context "residency:profiles.${profile.name}"`);
  transfers = loadApprovedTransfers(config, join(__dirname, '..'), new Date());
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

createResidencyStacks(app, config, transfers);
registerCheckPacks(app, config);
applyAcknowledgements(app, acknowledgementsFor(config));
// Records the one evaluation and writes the evidence (SARIF, control matrix, HTML) even when a check
// fails; any unacknowledged error finding of any plugin fails synth with a non-zero exit.
// The verdict per pack and the page's path go to stderr: `cdk synth` prints the template on stdout.
const print = (text: string): void => void process.stderr.write(text);
writeServiceControlPolicy(synthOrExit(app, { profile: profile.name, print }).directory, config);
