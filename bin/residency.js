#!/usr/bin/env node
// Thin launcher so `npx residency` works right after `npm ci`, with no build step:
// tsx compiles the TypeScript entry point on the fly (and caches it).
require('tsx/cjs');
require('./residency.ts');
