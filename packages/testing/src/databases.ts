import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/subgraph-kit/database-admin';

/**
 * The PostgreSQL server tests run against: TEST_DATABASE_URL, default the machine's local server.
 * Each test file gets a database of its own, created here and dropped after.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The test run this process belongs to: set by jest's global setup to the jest process's pid. */
export function testRunId(): string {
  return process.env.SAMVERKAN_TEST_RUN ?? String(process.pid);
}

/**
 * A database name for a test, `<prefix>_r<run>_<what>`: the run id lets a later run (or CI's
 * check) find what a killed run left behind.
 */
export function testDatabaseName(prefix: 'samverkan_test' | 'samverkan_e2e', what = randomBytes(4).toString('hex')): string {
  return `${prefix}_r${testRunId()}_${what}`;
}

const TEST_DATABASE = /^samverkan_(test|e2e)_(?:r(\d+)_)?/;

function runIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops test databases on the test server: those of `run` when given, else those whose run (a
 * process on this machine) is gone. Answers the names dropped.
 */
export async function sweepTestDatabases(serverUrl: string, run?: string): Promise<string[]> {
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^samverkan_(test|e2e)_'`);
    const doomed = rows
      .map((r) => r.datname)
      .filter((name) => {
        const owner = TEST_DATABASE.exec(name)?.[2];
        return run ? owner === run : !owner || !runIsAlive(Number(owner));
      });
    for (const name of doomed) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return doomed;
  } finally {
    await admin.end();
  }
}

/** A fresh, empty database on the test server. */
export async function createTestDatabase(prefix: 'samverkan_test' | 'samverkan_e2e' = 'samverkan_test'): Promise<TestDatabase> {
  const name = testDatabaseName(prefix);
  await ensureDatabase(TEST_SERVER_URL, name);
  return { name, url: withDatabase(TEST_SERVER_URL, name), drop: () => dropDatabase(TEST_SERVER_URL, name) };
}
