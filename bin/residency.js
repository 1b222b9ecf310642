#!/usr/bin/env node
// The `residency` command: runs the compiled CLI in dist/ (built by `npm ci` through the `prepare`
// script, or by `npm run build`). No TypeScript is compiled at start-up.
try {
  require.resolve('../dist/bin/residency.js');
} catch {
  process.stderr.write('residency: the CLI is not built yet; run "npm run build" (npm ci does it) in ' + require('node:path').join(__dirname, '..') + '\n');
  process.exit(70);
}
require('../dist/bin/residency.js');
