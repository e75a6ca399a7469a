import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { requestDeadline, type Deadline } from './deadline';

/** node's response with Express's `locals`, which Express keeps when it is given a response that has them. */
type WithLocals = ServerResponse & { locals?: Record<string, unknown> };

/** The deadline of the request a response belongs to, set by `startClock` when the request started. */
export function deadlineOf(res: ServerResponse): Deadline | undefined {
  return (res as WithLocals).locals?.deadline as Deadline | undefined;
}

/**
 * Starts a request's clock, once (a clock already started is kept): its deadline (see
 * deadline.ts), which every fetch it makes draws from, so that what arrived is answered by `ms`
 * with the late kommuner named. As a last resort, a request still unanswered after `ms` (its body
 * still arriving, say) is answered HTTP 503 REQUEST_TIMEOUT; whatever the work writes later is
 * dropped, since the client has its answer. Works on node's own response as on Express's.
 */
export function startClock(res: ServerResponse, ms: number): Deadline {
  const r = res as WithLocals;
  const started = deadlineOf(r);
  if (started) return started;
  const deadline = requestDeadline(ms);
  if (r.locals) r.locals.deadline = deadline;
  else r.locals = { deadline };
  const timer = setTimeout(() => {
    if (res.headersSent) return;
    const text = JSON.stringify({
      errors: [{ message: `The request was stopped after ${ms} ms. Ask for less, or page through it.`, extensions: { code: 'REQUEST_TIMEOUT' } }],
    });
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    const drop = () => res;
    Object.assign(res, { setHeader: drop, writeHead: drop, status: drop, write: () => true, end: drop, json: drop, send: drop });
  }, ms);
  res.once('finish', () => clearTimeout(timer));
  res.once('close', () => clearTimeout(timer));
  return deadline;
}

/** The request clock (startClock) as Express middleware. */
export function requestTimeout(ms: number) {
  return (_req: Request, res: Response, next: NextFunction) => {
    startClock(res, ms);
    next();
  };
}
