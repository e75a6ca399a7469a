import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { GRAPHQL_PATH, answerFailedRequest, assignRequestId, errorOfRequest, type Logger } from '@samverkan/server-kit';
import type { StatementTally } from './sql-counter';

/**
 * What a subgraph's GraphQL context holds of the HTTP request, besides what the service adds: its
 * id and its statement tally. They travel in the context, not in an async scope (see StatementTally).
 */
export interface SubgraphRequest {
  requestId: string;
  tally: StatementTally;
}

/**
 * Reports the SQL statements a request cost in `extensions.sqlStatements` (for tests and
 * benchmarks). (Each error's request is named by standardPlugins.)
 */
export const requestReport: ApolloServerPlugin<SubgraphRequest> = {
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

/** Whether a request is for the GraphQL path itself (with or without a query string). */
export function isGraphQLRequest(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(GRAPHQL_PATH) && (url.length === GRAPHQL_PATH.length || url[GRAPHQL_PATH.length] === '?');
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A subgraph's GraphQL endpoint on node's HTTP server itself, without Express's router and
 * response helpers in the way of every request (they cost a kommun about a tenth of its work per
 * request): the request id (assignRequestId, as every other path gets from the app), the JSON
 * body by body-parser (the same parser, limit and errors as express.json, answered as jsonErrors
 * answers them), and the context the service builds from the Authorization header and the
 * request (SubgraphRequest: its id, and a statement tally for the database handle the service
 * gives its resolvers, see kyselyOver), with both added. No async scope is entered: the request
 * goes in the context, and a log line of it names its id itself. Apollo Server answers everything
 * else, GET and the wrong methods included, as it does behind its Express integration.
 */
export function subgraphEndpoint<C extends BaseContext>(
  apollo: ApolloServer<C & SubgraphRequest>,
  context: (authorization: string | undefined, request: SubgraphRequest) => Promise<C>,
  logger: Logger,
  maxBody = '1mb',
): Handler {
  const parseJson = express.json({ limit: maxBody }) as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  const fail = (res: ServerResponse, err: unknown, requestId: string) => answerFailedRequest(res, err, logger, requestId);
  const answer = async (req: IncomingMessage & { body?: unknown }, res: ServerResponse, requestId: string) => {
    const request: SubgraphRequest = { requestId, tally: { count: 0, requestId } };
    const headers = new HeaderMap();
    for (const key in req.headers) {
      const value = req.headers[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? GRAPHQL_PATH;
    const q = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: q < 0 ? '' : url.slice(q), body: req.body },
      context: async () => {
        try {
          return { ...(await context(req.headers.authorization, request)), ...request };
        } catch (err) {
          // Apollo Server answers it (formatted, logged if internal): with this request's id.
          errorOfRequest(err, requestId);
          throw err;
        }
      },
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return (req, res) => {
    const requestId = assignRequestId(req, res);
    parseJson(req, res, (err) => {
      if (err) return fail(res, err, requestId);
      answer(req, res, requestId).catch((e: unknown) => fail(res, e, requestId));
    });
  };
}

/**
 * The HTTP server's request listener: GraphQL requests to `graphql` (once it is set, see
 * subgraphEndpoint), everything else (health, metrics) to the Express app.
 */
export function routeRequests(app: express.Express, graphql: () => Handler | undefined): Handler {
  return (req, res) => {
    const endpoint = isGraphQLRequest(req.url) ? graphql() : undefined;
    if (endpoint) endpoint(req, res);
    else app(req, res);
  };
}
