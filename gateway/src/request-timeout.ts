import type { NextFunction, Request, Response } from 'express';
import { requestDeadline, type Deadline } from './deadline';

/** The deadline of the request a response belongs to, set by `requestTimeout` when the request started. */
export function deadlineOf(res: Response): Deadline | undefined {
  return res.locals.deadline as Deadline | undefined;
}

/**
 * Starts a request's clock: its deadline (see deadline.ts), which every fetch it makes draws
 * from, so that what arrived is answered by `ms` with the late kommuner named. As a last resort,
 * a request still unanswered after `ms` (its body still arriving, say) is answered HTTP 503
 * REQUEST_TIMEOUT; whatever the work writes later is dropped, since the client has its answer.
 */
export function requestTimeout(ms: number) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.deadline = requestDeadline(ms);
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.status(503).json({
        errors: [{ message: `The request was stopped after ${ms} ms. Ask for less, or page through it.`, extensions: { code: 'REQUEST_TIMEOUT' } }],
      });
      const drop = () => res;
      Object.assign(res, { setHeader: drop, writeHead: drop, status: drop, write: () => true, end: drop, json: drop, send: drop });
    }, ms);
    res.once('finish', () => clearTimeout(timer));
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
