// Builds the `residency` CLI: every TypeScript file of bin/residency.ts, lib/ and lambda/ transpiled
// (not bundled) to CommonJS under dist/, the same tree as the sources, so each command's module and
// its heavy dependencies still load only when that command runs. `npm ci` runs this (the `prepare`
// script); `npm run build` runs it again after a change. Type checking is `npm run typecheck`'s job.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const BUILT_STAMP = '.built';
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['bin/residency.ts', 'lib/**/*.ts', 'lambda/**/*.ts', 'bench/synthetic-records.ts'],
  outdir,
  outbase: '.',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // import() of a sibling module as require(), which resolves extension-less paths the way the sources name them.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
});
// Written last: the time of a complete build, which the test setup compares with the sources'.
writeFileSync(join(outdir, BUILT_STAMP), `${new Date().toISOString()}\n`);
