/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // A quiet run and a current dist/ build of the CLI (test/jest-setup.ts).
  setupFiles: ['<rootDir>/test/jest-setup.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' } }],
  },
  snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.js'],
  // CDK synth is CPU-bound; two workers match the two cores CI has.
  maxWorkers: 2,
  testTimeout: 60000,
  // Each profile is synthesized once per run (test/support/fixture-assembly.ts); suites read the templates.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
