/**
 * One jest config, three tiers (`jest --selectProjects unit|db|e2e`):
 * - unit: in memory; no database, no child process (enforced by test/jest/unit-guard.ts);
 * - db:   `*.db.test.ts`, a real PostgreSQL (TEST_DATABASE_URL) and in-process servers;
 * - e2e:  `test/e2e/*.e2e.test.ts`, whole regions as real processes on free ports.
 * TypeScript goes through swc with decorator metadata.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  testPathIgnorePatterns: ['/node_modules/'],
  // `npm run build` puts a compiled copy of the workspaces in build/: not modules of the tests.
  modulePathIgnorePatterns: ['<rootDir>/build/'],
  setupFiles: ['reflect-metadata'],
  // A run-wide id, so databases and processes a killed run left behind can be found and removed.
  globalSetup: '<rootDir>/test/jest/global-setup.ts',
  globalTeardown: '<rootDir>/test/jest/global-teardown.ts',
};

const roots = '<rootDir>/{packages,services,gateway,test}/**';

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [`${roots}/__tests__/**/*.test.ts`],
      testPathIgnorePatterns: ['/node_modules/', '\\.db\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
      setupFiles: ['reflect-metadata', '<rootDir>/test/jest/unit-guard.ts'],
      globalSetup: undefined,
      globalTeardown: undefined,
    },
    { ...base, displayName: 'db', testMatch: [`${roots}/*.db.test.ts`] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'] },
  ],
};
