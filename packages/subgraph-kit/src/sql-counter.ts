import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';

/**
 * One request's SQL statements: how many it has sent, and its id, which their log lines carry.
 * It travels with the request (its GraphQL context and the database handle its resolvers use, see
 * kyselyOver), not in an async scope: an AsyncLocalStorage, once entered, makes every promise of
 * the process pay a hook.
 */
export interface StatementTally {
  count: number;
  readonly requestId?: string;
}

/**
 * Counts every SQL statement a service sends, in total and into the tally of the request that sent
 * it, and logs failures and slow statements through pino (at trace level, every statement). The
 * service's Kysely handles report their statements here (see kyselyOver), and TypeORM calls
 * `logQuery` for each of its own (migrations, health checks), which belong to no request.
 */
export class CountingLogger implements TypeOrmLogger {
  /** Statements since start, over all requests. */
  total = 0;
  constructor(private readonly logger?: Logger) {}
  /** A statement sent (whether it succeeded or not), for the request whose tally is given, if any. */
  statement(query: string, parameters: readonly unknown[] | undefined, tally?: StatementTally): void {
    this.total++;
    if (tally) tally.count++;
    // At trace level, each statement with its parameters (the benchmark replays them as the SQL floor).
    if (this.logger?.isLevelEnabled('trace')) {
      this.logger.trace(tally?.requestId ? { requestId: tally.requestId, query, parameters } : { query, parameters }, 'SQL statement');
    }
  }
  /** A statement that failed, logged with the id of the request that sent it, if any. */
  failed(error: unknown, query: string, tally?: StatementTally): void {
    const err = error instanceof Error ? error : String(error);
    this.logger?.warn(tally?.requestId ? { requestId: tally.requestId, err, query } : { err, query }, 'SQL statement failed');
  }
  logQuery(query: string, parameters?: unknown[]): void {
    this.statement(query, parameters);
  }
  logQueryError(error: string | Error, query: string): void {
    this.failed(error, query);
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
