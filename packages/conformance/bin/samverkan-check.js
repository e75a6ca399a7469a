#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a CommonJS launcher */
// Runs the checker from its TypeScript sources, through @swc-node/register as every command of
// this repository does.
require('@swc-node/register');
require('../src/cli.ts');
