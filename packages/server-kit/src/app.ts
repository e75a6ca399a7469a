import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';

/** Header that carries a request's id from the caller (a proxy, the gateway) and back in the answer. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An id a caller may give: short, and printable without escaping. Anything else is replaced. */
const GIVEN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A request's id: the caller's `X-Request-Id` when it is a sensible one, else a new UUID; answered
 * in the same header, and set on the request, where whatever serves it reads it (the GraphQL
 * context, the log lines written for it, the gateway's requests to the kommuner). No async scope
 * carries it: in node 20 an AsyncLocalStorage, once entered, makes every promise of the process
 * pay a hook, and a gateway's fan-out to 290 kommuner makes thousands per request.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  req.headers[REQUEST_ID_HEADER] = requestId;
  return requestId;
}

/** Gives every request an id (assignRequestId). */
export function requestIds(): express.RequestHandler {
  return (req, res, next) => {
    assignRequestId(req, res);
    next();
  };
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
