export * from './databases';
export * from './graphql';
// Tests create and drop databases on the test server with the same helpers the region runner uses.
export { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/subgraph-kit/database-admin';
