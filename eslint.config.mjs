// Lint for the whole monorepo (`npm run lint`, part of `npm test`).
// Syntax-level rules only (no type-aware rules): tsc already checks types, and this keeps the run fast.
// Dependencies a workspace declares but never imports are not ESLint's business: knip (knip.json) checks those.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const root = path.dirname(fileURLToPath(import.meta.url));

// Each workspace must declare in its own package.json every package it imports, @samverkan/* included:
// the root package.json does not count for them.
const workspaces = ['packages/contract', 'packages/server-kit', 'packages/subgraph-kit', 'packages/testing', 'packages/conformance', 'packages/region-runner', 'services/kommun', 'services/region', 'gateway', 'test', 'dashboard'];

// Files that only run under jest or as developer tools: these may import devDependencies.
// Absolute, so that the globs hold whatever directory ESLint runs from.
const devFiles = ['**/__tests__/**', '**/*.test.ts', 'test/**', 'dashboard/vite.config.ts', 'packages/region-runner/src/build.ts', 'packages/region-runner/src/cli-build.ts'].map((glob) => path.join(root, glob));

/** import-x/no-extraneous-dependencies against one package.json only. */
const ownDependencies = (packageDir) => [
  'error',
  {
    packageDir: [packageDir],
    devDependencies: devFiles,
    optionalDependencies: false,
    peerDependencies: false,
    includeInternal: true,
    includeTypes: true,
  },
];

export default defineConfig(
  { ignores: ['**/node_modules/', '**/dist/', 'build/', '**/coverage/', '**/.data/', 'test/bench/peer/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // Resolve as tsc does (.ts sources, `types` conditions, type-only packages): an import the
      // resolver cannot find is silently skipped by import-x/no-extraneous-dependencies.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json', '.node'],
          conditionNames: ['types', 'require', 'import', 'node', 'default'],
          mainFields: ['types', 'main', 'module'],
        }),
      ],
    },
    rules: {
      // tsc resolves every import already.
      'import-x/no-unresolved': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // As tsc's noUnusedLocals/noUnusedParameters: a leading underscore marks a deliberate unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  ...workspaces.map((dir) => ({
    files: [`${dir}/**/*.ts`],
    rules: { 'import-x/no-extraneous-dependencies': ownDependencies(path.join(root, dir)) },
  })),
  {
    // The root's own tooling files: the root package.json (devDependencies only) is theirs.
    files: ['*.js', '*.mjs'],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: [root], devDependencies: true }] },
  },
  {
    // Tests, and the helpers only tests use (packages/testing), may use `any` for
    // fixtures and loosely typed GraphQL responses.
    files: ['**/__tests__/**', '**/*.test.ts', 'test/**', 'packages/testing/src/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['jest.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'readonly', require: 'readonly', __dirname: 'readonly' },
    },
  },
);
