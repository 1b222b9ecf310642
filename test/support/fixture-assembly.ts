/**
 * Fixture assemblies: each profile the suites read is synthesized once per jest run (by the
 * global setup, test/support/global-setup.ts), exactly as bin/app.ts does — every pack,
 * acknowledgements, the evidence report, the SCP — but without bundling. Suites read the
 * templates back with `Template.fromJSON` instead of building and synthesizing the app again.
 *
 * What only the live construct tree knows (the registered packs and what each finds with
 * `validateScope`, where acknowledgements landed, which stack is home) is written next to the
 * assembly as `facts.json` by the same process that synthesized it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { Stack } from 'aws-cdk-lib';
import { writeServiceControlPolicy } from '../../lib/compliance/service-control-policy';
import type { ResidencyConfig } from '../../lib/config';
import type { AppliedAcknowledgement } from '../../lib/nag/acknowledgement-register';
import { readEvaluation } from '../../lib/evaluation/record';
import { synthWithEvidence } from '../../lib/report/write-evidence-report';
import { buildAppFor, hsmTestConfig, shippedConfig } from './app-fixture';

import { FIXTURE_ROOT_ENV, type FixtureProfile } from './fixture-profiles';

export { FIXTURE_PROFILES, FIXTURE_ROOT_ENV, type FixtureProfile } from './fixture-profiles';

/** The config a fixture profile is built from. */
export function fixtureConfig(profile: FixtureProfile): ResidencyConfig {
  return profile === 'hsm' ? hsmTestConfig() : shippedConfig(profile);
}

export interface FixtureStack {
  readonly stackName: string;
  readonly artifactId: string;
  readonly region: string;
}

/** What the live tree knew after synthesis, serialized by the process that built it. */
export interface FixtureFacts {
  readonly profile: FixtureProfile;
  /** `readPackName` of every registered pack, in registration order. */
  readonly packNames: string[];
  /**
   * Per registered pack: its unacknowledged findings in the evaluation the synthesis recorded
   * (`residency-evaluation.json`), as "rule at path" lines. Read from the one evaluation, not
   * from a second `validateScope` run.
   */
  readonly violations: Record<string, string[]>;
  readonly acknowledgements: AppliedAcknowledgement[];
  readonly home: FixtureStack;
  readonly destinations: FixtureStack[];
}

export interface FixtureAssembly extends FixtureFacts {
  /** The cloud assembly directory (templates, validation report, evidence, SCP). */
  readonly directory: string;
  readonly config: ResidencyConfig;
  /** Every stack: home first, then the destinations. */
  readonly stacks: FixtureStack[];
  /** Raw template JSON by stack name. */
  readonly templates: Record<string, Record<string, unknown>>;
  /** The assertions library's view of a stack's template. */
  template(stackName: string): Template;
}

const describeStack = (stack: Stack): FixtureStack => ({ stackName: stack.stackName, artifactId: stack.artifactId, region: stack.region });

/**
 * Builds and synthesizes one profile into `<root>/<profile>/assembly` and writes its facts. Run by
 * the global setup in a child process per profile; throws what synthesis throws.
 */
export function writeFixture(root: string, profile: FixtureProfile): void {
  const dir = join(root, profile);
  const directory = join(dir, 'assembly');
  mkdirSync(dir, { recursive: true });
  const config = fixtureConfig(profile);
  const built = buildAppFor(config, { outdir: directory });
  writeServiceControlPolicy(synthWithEvidence(built.app, { profile }).directory, config);
  const { outcomes } = readEvaluation(directory);
  const facts: FixtureFacts = {
    profile,
    packNames: built.packs.map((p) => p.readPackName),
    violations: Object.fromEntries(
      built.packs.map((pack) => [
        pack.readPackName,
        outcomes.filter((o) => o.pack === pack.readPackName && o.status === 'fail').map((o) => `${o.findingId} at ${o.constructPath}`),
      ]),
    ),
    acknowledgements: built.acknowledgements,
    home: describeStack(built.stacks.home),
    destinations: built.stacks.destinations.map(describeStack),
  };
  writeFileSync(join(dir, 'facts.json'), JSON.stringify(facts));
}

const cache = new Map<FixtureProfile, FixtureAssembly>();

/** The fixture assembly of a profile, as the global setup wrote it for this run. */
export function fixtureAssembly(profile: FixtureProfile): FixtureAssembly {
  const cached = cache.get(profile);
  if (cached) return cached;
  const root = process.env[FIXTURE_ROOT_ENV];
  if (!root) throw new Error(`fixture assemblies: ${FIXTURE_ROOT_ENV} is not set; run the tests through jest (jest.config.js globalSetup)`);
  const dir = join(root, profile);
  const factsFile = join(dir, 'facts.json');
  if (!existsSync(factsFile)) throw new Error(`fixture assemblies: no facts for profile ${profile} under the fixture root; the global setup did not write it`);
  const facts = JSON.parse(readFileSync(factsFile, 'utf8')) as FixtureFacts;
  const directory = join(dir, 'assembly');
  const stacks = [facts.home, ...facts.destinations];
  const templates = Object.fromEntries(
    stacks.map((s) => [s.stackName, JSON.parse(readFileSync(join(directory, `${s.artifactId}.template.json`), 'utf8')) as Record<string, unknown>]),
  );
  const fixture: FixtureAssembly = {
    ...facts,
    directory,
    config: fixtureConfig(profile),
    stacks,
    templates,
    template: (stackName) => {
      const json = templates[stackName];
      if (!json) throw new Error(`fixture assemblies: profile ${profile} has no stack ${stackName}`);
      return Template.fromJSON(json);
    },
  };
  cache.set(profile, fixture);
  return fixture;
}
