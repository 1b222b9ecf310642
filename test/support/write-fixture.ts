/**
 * Child-process entry of the global setup: `node --import tsx write-fixture.ts <root> <profile>`
 * synthesizes one fixture profile. A failure prints the error and exits 1.
 */
import { writeFixture } from './fixture-assembly';
import { FIXTURE_PROFILES, type FixtureProfile } from './fixture-profiles';

const [root, profile] = process.argv.slice(2);
if (!root || !FIXTURE_PROFILES.includes(profile as FixtureProfile)) {
  process.stderr.write(`usage: write-fixture <root> <${FIXTURE_PROFILES.join('|')}>\n`);
  process.exit(2);
}
writeFixture(root, profile as FixtureProfile);
