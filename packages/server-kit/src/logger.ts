import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout (pino); `level` from LOG_LEVEL. A line written for a request names its
 * `requestId` itself (see assignRequestId): the same id in the gateway and every subgraph it asked.
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    base: { service: name },
  };
  return destination ? pino(options, destination) : pino(options);
}
