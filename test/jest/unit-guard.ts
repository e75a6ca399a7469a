/**
 * The unit tier runs in memory: a suite that reaches for a database or starts a process belongs in
 * the db or e2e tier (`*.db.test.ts`, `test/e2e`). This makes such a suite fail with that message
 * instead of quietly depending on a server.
 */
import childProcess from 'node:child_process';

const refuse = (what: string) => () => {
  throw new Error(`the unit tier starts no ${what}: move this suite to the db or e2e tier`);
};
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.defineProperty(childProcess, name, { value: refuse('child process'), configurable: true, writable: true });
}
// Any PostgreSQL URL a test derives from the test server points nowhere.
process.env.TEST_DATABASE_URL = 'postgres://unit-tier@unit-tier-has-no-database.invalid:1/none';
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
