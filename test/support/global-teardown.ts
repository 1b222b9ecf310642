/**
 * Jest global teardown: removes the fixture assemblies of this run and the run's temp dir (every
 * temp file the suites and what they started made); `npm test` leaves nothing behind.
 */
import { rmSync } from 'node:fs';
import { FIXTURE_ROOT_ENV } from './fixture-profiles';
import { restoreTmpdir } from './global-setup';

export default function globalTeardown(): void {
  restoreTmpdir();
  const root = process.env[FIXTURE_ROOT_ENV];
  if (root) rmSync(root, { recursive: true, force: true });
}
