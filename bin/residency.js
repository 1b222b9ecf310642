#!/usr/bin/env node
// Thin launcher so `npx residency` works right after `npm ci`, with no build step: tsx compiles the
// TypeScript on the fly, for require() (tsx/cjs) and for the lazy import() of each sub-command (tsx/esm).
require('tsx/cjs');
import('tsx/esm').then(() => require('./residency.ts'));
