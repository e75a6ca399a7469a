import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout (pino); `level` from LOG_LEVEL. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}
