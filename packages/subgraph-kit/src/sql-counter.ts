import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';

/** Per-request tally of SQL statements, carried through async calls. */
export interface StatementTally {
  count: number;
}

const storage = new AsyncLocalStorage<StatementTally>();

/** Runs `fn` with a fresh statement tally in scope; every SQL statement inside counts. */
export function withStatementTally<T>(tally: StatementTally, fn: () => T): T {
  return storage.run(tally, fn);
}

/**
 * TypeORM logger that counts statements into the current request's tally and logs failures and
 * slow statements through pino. TypeORM calls `logQuery` for every statement it sends.
 */
export class CountingLogger implements TypeOrmLogger {
  /** Statements since start, over all requests. */
  total = 0;
  constructor(private readonly logger?: Logger) {}
  logQuery(query: string, parameters?: unknown[]): void {
    this.total++;
    // At trace level, each statement with its parameters (the benchmark replays them as the SQL floor).
    if (this.logger?.isLevelEnabled('trace')) this.logger.trace({ query, parameters }, 'SQL statement');
    const tally = storage.getStore();
    if (tally) tally.count++;
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger?.warn({ err: error, query }, 'SQL statement failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger?.warn({ ms: time, query }, 'slow SQL statement');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger?.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger?.warn(String(message));
  }
}
