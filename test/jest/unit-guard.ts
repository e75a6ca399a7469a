/**
 * The unit tier runs in memory: a suite that reaches for a database or starts a process belongs in
 * the db or e2e tier (`*.db.test.ts`, `test/e2e`). This makes such a suite fail with that message
 * instead of quietly depending on a server. It loads no database client either: a suite that
 * loads pg fails, and so does one that loads TypeORM, unless its docblock says
 * `@unit-tier-loads typeorm` (a subgraph's schema is built from its entity classes, which carry
 * TypeORM's decorators; that loads TypeORM, not pg).
 */
import childProcess from 'node:child_process';
import { readFileSync } from 'node:fs';

const refuse = (what: string) => () => {
  throw new Error(`the unit tier starts no ${what}: move this suite to the db or e2e tier`);
};
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.defineProperty(childProcess, name, { value: refuse('child process'), configurable: true, writable: true });
}
// Any PostgreSQL URL a test derives from the test server points nowhere.
process.env.TEST_DATABASE_URL = 'postgres://unit-tier@unit-tier-has-no-database.invalid:1/none';
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;

jest.mock('pg', () => {
  throw new Error('the unit tier loads no pg: import what this suite needs from an entry that does not load it, or move the suite to the db tier');
});
jest.mock('typeorm', () => {
  const { testPath } = expect.getState();
  if (testPath && /@unit-tier-loads typeorm\b/.test(readFileSync(testPath, 'utf8'))) return jest.requireActual('typeorm');
  throw new Error('the unit tier loads no typeorm: import what this suite needs from an entry that does not load it, or move the suite to the db tier');
});
