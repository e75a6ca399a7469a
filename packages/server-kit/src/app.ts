import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { requestScope } from './logger';

/** Header that carries a request's id from the caller (a proxy, the gateway) and back in the answer. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An id a caller may give: short, and printable without escaping. Anything else is replaced. */
const GIVEN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A request's id: the caller's `X-Request-Id` when it is a sensible one, else a new UUID; answered in the same header. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return requestId;
}

/**
 * Gives every request an id (assignRequestId) and, unless told not to (`scope: false`), keeps it in
 * scope so every log line written while the request is served carries it (see createLogger).
 */
export function requestIds(options: { scope?: boolean } = {}): express.RequestHandler {
  if (options.scope === false) {
    return (req, res, next) => {
      assignRequestId(req, res);
      next();
    };
  }
  return (req, res, next) => withRequestId(req, res, next);
}

/** What requestIds does, for a handler on node's HTTP server itself: the id answered, and in scope while `fn` runs. */
export function withRequestId<T>(req: IncomingMessage, res: ServerResponse, fn: () => T): T {
  return requestScope.run({ requestId: assignRequestId(req, res) }, fn);
}

export interface AppOptions {
  /**
   * Whether a request's id is in async scope while it is served (requestScope), so that every log
   * line carries it. Default true. A subgraph says false: in node 20 an AsyncLocalStorage, once
   * entered, makes every promise of the process pay a hook, and a subgraph carries its GraphQL
   * requests' ids in their context instead (its other paths, health and metrics, log nothing of a
   * request but a failure, whose line names the id itself, see jsonErrors).
   */
  requestScope?: boolean;
}

/**
 * The express app of every Samverkan server. It does not say what it runs on (`X-Powered-By`);
 * each request has an id (requestIds). Its answers carry no ETag: an ETag is a hash of every body
 * sent, and GraphQL answers are POSTs no cache revalidates (static files keep theirs, from
 * express.static).
 */
export function createApp(options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestIds({ scope: options.requestScope ?? true }));
  return app;
}
