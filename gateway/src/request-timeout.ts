import type { NextFunction, Request, Response } from 'express';

/**
 * Answers REQUEST_TIMEOUT when a request has not been answered within `ms`. The work itself runs
 * on (every shard call is already bounded by SHARD_TIMEOUT_MS); whatever it writes later is
 * dropped, since the client has its answer.
 */
export function requestTimeout(ms: number) {
  return (_req: Request, res: Response, next: NextFunction) => {
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
