import { sweepTestDatabases, TEST_SERVER_URL } from '@samverkan/testing';

/** After the db and e2e tiers: drops what this run left behind, also when a suite failed before its `afterAll`. */
export default async function globalTeardown(): Promise<void> {
  const left = await sweepTestDatabases(TEST_SERVER_URL, process.env.SAMVERKAN_TEST_RUN);
  if (left.length) console.warn(`\nthis run left ${left.length} database(s) behind; dropped: ${left.join(', ')}`);
}
