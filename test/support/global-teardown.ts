/** Jest global teardown: removes the fixture assemblies of this run; `npm test` leaves nothing behind. */
import { rmSync } from 'node:fs';
import { FIXTURE_ROOT_ENV } from './fixture-profiles';

export default function globalTeardown(): void {
  const root = process.env[FIXTURE_ROOT_ENV];
  if (root) rmSync(root, { recursive: true, force: true });
}
