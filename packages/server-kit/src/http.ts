import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { REQUEST_ID_HEADER } from './app';
import type { Logger } from './logger';
import { createErrorFormatter, errorOfRequest, type ErrorFormatterOptions } from './errors';

export const GRAPHQL_PATH = '/graphql';

/** Apollo Server options every Samverkan server shares. */
export function serverOptions(logger: Logger, errors: ErrorFormatterOptions = {}) {
  return {
    formatError: createErrorFormatter(logger, errors),
    // The schema is the public contract: analysts explore it.
    introspection: true,
    // Internal details stay in the log (see createErrorFormatter), never in an answer.
    includeStacktraceInErrorResponses: false,
    // Each entry point handles SIGINT/SIGTERM itself and stops everything in order.
    stopOnTerminationSignals: false,
  };
}

/**
 * Plugins every Samverkan server runs: drain on stop; no inline traces or cache hints nobody reads;
 * no landing page, whose Sandbox and fonts Apollo loads from CDNs that these networks block (the
 * gateway serves its own pages instead).
 */
export function standardPlugins(httpServer: http.Server): ApolloServerPlugin[] {
  return [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), requestOfErrors];
}

/**
 * Names the request each error of a GraphQL request arose in (its id, which assignRequestId set on
 * the request), so that the error formatter's log line of an internal error carries it.
 */
const requestOfErrors: ApolloServerPlugin = {
  async requestDidStart({ request }) {
    const requestId = request.http?.headers.get(REQUEST_ID_HEADER);
    if (!requestId) return {};
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) errorOfRequest(error, requestId);
      },
    };
  },
};

/**
 * The answer to a request that failed before GraphQL saw it: a body parser's 4xx with its message,
 * anything else 500 without details (logged, with the request's id when it is given).
 */
export function failedRequestAnswer(
  err: { status?: number; message?: string },
  logger: Logger,
  requestId?: string,
): { status: number; body: { errors: Array<{ message: string; extensions: { code: 'BAD_REQUEST' } }> } } {
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) logger.error(requestId ? { err, requestId } : { err }, 'request failed');
  return { status, body: { errors: [{ message: status === 500 ? 'Internal server error' : `Bad request: ${err.message}`, extensions: { code: 'BAD_REQUEST' } }] } };
}

/**
 * Answers a request that failed before GraphQL saw it (failedRequestAnswer) on node's own response,
 * as jsonErrors answers it through Express: the same status, headers and JSON. A response already
 * begun is cut off instead.
 */
export function answerFailedRequest(res: http.ServerResponse, err: unknown, logger: Logger, requestId?: string): void {
  const { status, body } = failedRequestAnswer(err as { status?: number; message?: string }, logger, requestId);
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Body parser failures (malformed JSON, too large) answer 400/413 with a message, never a stack. */
export function jsonErrors(logger: Logger): express.ErrorRequestHandler {
  return (err: { status?: number; message?: string }, _req, res, next) => {
    if (!err) return next();
    // The id requestIds answered.
    const requestId = res.getHeader(REQUEST_ID_HEADER);
    const { status, body } = failedRequestAnswer(err, logger, typeof requestId === 'string' ? requestId : undefined);
    res.status(status).json(body);
  };
}

/** Listens and answers the GraphQL URL. */
export async function listen(httpServer: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}${GRAPHQL_PATH}`;
}
