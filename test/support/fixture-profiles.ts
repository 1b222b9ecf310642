/** The fixture profiles and how the global setup hands their root to the workers (kept free of CDK imports). */

/** The environment variable the global setup hands the fixture root to the workers with. */
export const FIXTURE_ROOT_ENV = 'RESIDENCY_TEST_FIXTURES';

/** Where the global setup keeps TMPDIR as it was, while the run's own temp dir stands in for it. */
export const OUTER_TMPDIR_ENV = 'RESIDENCY_TEST_OUTER_TMPDIR';

/** The profiles synthesized once per run: the two shipped ones and the tests' CloudHSM profile. */
export const FIXTURE_PROFILES = ['default', 'sg-home', 'hsm'] as const;
export type FixtureProfile = (typeof FIXTURE_PROFILES)[number];
