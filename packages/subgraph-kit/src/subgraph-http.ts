import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { GRAPHQL_PATH, failedRequestAnswer, withRequestId, type Logger } from '@samverkan/server-kit';
import { withStatementTally, type StatementTally } from './sql-counter';

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

/** Whether a request is for the GraphQL path itself (with or without a query string). */
export function isGraphQLRequest(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(GRAPHQL_PATH) && (url.length === GRAPHQL_PATH.length || url[GRAPHQL_PATH.length] === '?');
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A subgraph's GraphQL endpoint on node's HTTP server itself, without Express's router and
 * response helpers in the way of every request (they cost a kommun about a tenth of its work per
 * request): the request id (withRequestId, as every other path gets from the app), the JSON body
 * by body-parser (the same parser, limit and errors as express.json, answered as jsonErrors
 * answers them), a statement tally in scope for the whole request, and the context the service
 * builds from the Authorization header (with that tally). Apollo Server answers everything else,
 * GET and the wrong methods included, as it does behind its Express integration.
 */
export function subgraphEndpoint<C extends BaseContext>(
  apollo: ApolloServer<C & { tally: StatementTally }>,
  context: (authorization: string | undefined) => Promise<C>,
  logger: Logger,
  maxBody = '1mb',
): Handler {
  const parseJson = express.json({ limit: maxBody }) as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  const fail = (res: ServerResponse, err: unknown) => {
    const { status, body } = failedRequestAnswer(err as { status?: number; message?: string }, logger);
    if (res.headersSent) return void res.destroy();
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  };
  const answer = async (req: IncomingMessage & { body?: unknown }, res: ServerResponse, tally: StatementTally) => {
    const headers = new HeaderMap();
    for (const key in req.headers) {
      const value = req.headers[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? GRAPHQL_PATH;
    const q = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: q < 0 ? '' : url.slice(q), body: req.body },
      context: async () => ({ ...(await context(req.headers.authorization)), tally }),
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
  return (req, res) =>
    withRequestId(req, res, () =>
      parseJson(req, res, (err) => {
        if (err) return fail(res, err);
        const tally: StatementTally = { count: 0 };
        withStatementTally(tally, () => answer(req, res, tally)).catch((e: unknown) => fail(res, e));
      }),
    );
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
