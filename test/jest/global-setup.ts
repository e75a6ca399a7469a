import { sweepTestDatabases, TEST_SERVER_URL } from '@samverkan/testing';

/**
 * Before the db and e2e tiers: names this run (its databases carry the id, see `testDatabaseName`)
 * and removes the databases of runs that were killed before they could clean up.
 */
export default async function globalSetup(): Promise<void> {
  process.env.SAMVERKAN_TEST_RUN ??= String(process.pid);
  const stale = await sweepTestDatabases(TEST_SERVER_URL);
  if (stale.length) console.log(`\nremoved ${stale.length} database(s) left by an earlier, killed test run`);
}
