#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a CommonJS launcher */
// Runs the compiled checker when there is one (`npm run build`, a published package), else its
// TypeScript sources through @swc-node/register, as every command of this repository does.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
if (existsSync(join(__dirname, '../src/cli.js'))) {
  require('../src/cli.js');
} else {
  require('@swc-node/register');
  require('../src/cli.ts');
}
