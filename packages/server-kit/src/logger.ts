import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * The request a piece of work belongs to, for as long as its async calls run (see requestIds in
 * app.ts): the gateway's. A subgraph enters none (see AppOptions.requestScope): its GraphQL
 * requests carry their ids in their context, and the lines logged for them name the id themselves.
 */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** The id of the request the caller is serving, if any. */
export const currentRequestId = (): string | undefined => requestScope.getStore()?.requestId;

/**
 * JSON logs on stdout (pino); `level` from LOG_LEVEL. A line written while serving a request
 * carries its `requestId`, the same in the gateway and every subgraph it asked: from the async
 * scope where there is one (requestScope), else given with the line itself (a subgraph's).
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    base: { service: name },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
