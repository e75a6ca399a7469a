import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** The request a piece of work belongs to, for as long as its async calls run (see requestIds in app.ts). */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** The id of the request the caller is serving, if any. */
export const currentRequestId = (): string | undefined => requestScope.getStore()?.requestId;

/**
 * JSON logs on stdout (pino); `level` from LOG_LEVEL. A line written while serving a request
 * carries its `requestId`, the same in the gateway and every subgraph it asked.
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
