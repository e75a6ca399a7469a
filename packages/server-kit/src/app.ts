import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { requestScope } from './logger';

/** Header that carries a request's id from the caller (a proxy, the gateway) and back in the answer. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An id a caller may give: short, and printable without escaping. Anything else is replaced. */
const GIVEN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is a sensible one, else a new
 * UUID), answers it in the same header, and keeps it in scope so every log line written while the
 * request is served carries it (see createLogger).
 */
export function requestIds(): express.RequestHandler {
  return (req, res, next) => withRequestId(req, res, next);
}

/** What requestIds does, for a handler on node's HTTP server itself: the id answered, and in scope while `fn` runs. */
export function withRequestId<T>(req: IncomingMessage, res: ServerResponse, fn: () => T): T {
  const given = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return requestScope.run({ requestId }, fn);
}

/**
 * The express app of every Samverkan server. It does not say what it runs on (`X-Powered-By`);
 * each request has an id (requestIds). Its answers carry no ETag: an ETag is a hash of every body
 * sent, and GraphQL answers are POSTs no cache revalidates (static files keep theirs, from
 * express.static).
 */
export function createApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestIds());
  return app;
}
