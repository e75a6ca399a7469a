import express from 'express';
import type { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { GRAPHQL_PATH } from '@samverkan/server-kit';
import { currentTally, withStatementTally, type StatementTally } from './sql-counter';

/** Reports the SQL statements a request cost in `extensions.sqlStatements` (for tests and benchmarks). */
export const statementReport: ApolloServerPlugin<{ tally: StatementTally }> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single') {
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: contextValue.tally.count };
        }
      },
    };
  },
};

/**
 * Mounts a subgraph's GraphQL endpoint: JSON bodies up to `maxBody`, a statement tally in scope for
 * the whole request, and the context the service builds (with that tally).
 */
export function mountSubgraph<C extends BaseContext>(
  app: express.Express,
  apollo: ApolloServer<C & { tally: StatementTally }>,
  context: (req: express.Request) => Promise<C>,
  maxBody = '1mb',
): void {
  const graphql = expressMiddleware(apollo, {
    context: async ({ req }) => ({ ...(await context(req)), tally: currentTally() ?? { count: 0 } }),
  });
  app.use(GRAPHQL_PATH, express.json({ limit: maxBody }), (req, res, next) => withStatementTally({ count: 0 }, () => graphql(req, res, next)));
}
