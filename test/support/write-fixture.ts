/**
 * Child-process entry of the global setup: `node --import tsx write-fixture.ts <root> <profile>...`
 * synthesizes the fixture profiles named, one after the other, in this one process. A failure
 * prints the error and exits 1.
 *
 * One process for every profile, not one each: the modules are loaded once and CDK's CloudFormation
 * validation engine is started once (one worker per process: `earlyValidations`), while each profile's
 * cfn-guard run still works on the other core. Measured on 2 cores: 13.8 s and 20 CPU-s for the
 * three profiles, against 18.7 s and 37 CPU-s as three processes side by side.
 */
import { writeFixture } from './fixture-assembly';
import { FIXTURE_PROFILES, type FixtureProfile } from './fixture-profiles';

const [root, ...profiles] = process.argv.slice(2);
const unknown = profiles.filter((profile) => !FIXTURE_PROFILES.includes(profile as FixtureProfile));
if (!root || profiles.length === 0 || unknown.length > 0) {
  process.stderr.write(`usage: write-fixture <root> <${FIXTURE_PROFILES.join('|')}>...${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}\n`);
  process.exit(2);
}
for (const profile of profiles) writeFixture(root, profile as FixtureProfile);
