import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  sql,
  type DatabaseConnection,
  type Expression,
  type RawBuilder,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * One connection of the pool: a TypeORM query runner, so that every statement Kysely sends goes
 * the way TypeORM's own do (the data source's pool, its logger and so the statement tally).
 */
class QueryRunnerConnection implements DatabaseConnection {
  constructor(readonly runner: QueryRunner) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.runner.query(compiled.sql, [...compiled.parameters], true);
    const rows = (result.records ?? []) as R[];
    return typeof result.affected === 'number' ? { rows, numAffectedRows: BigInt(result.affected) } : { rows };
  }

  // eslint-disable-next-line require-yield -- the interface asks for a generator; nothing here streams
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported over a TypeORM data source');
  }
}

/** Kysely's driver over a TypeORM data source: connections are its query runners, transactions theirs. */
class DataSourceDriver implements Driver {
  constructor(private readonly ds: DataSource) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new QueryRunnerConnection(this.ds.createQueryRunner());
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.accessMode) throw new Error('transaction access modes are not supported over a TypeORM data source');
    const level = settings.isolationLevel?.toUpperCase();
    await (connection as QueryRunnerConnection).runner.startTransaction(level as Parameters<QueryRunner['startTransaction']>[0]);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as QueryRunnerConnection).runner.commitTransaction();
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as QueryRunnerConnection).runner.rollbackTransaction();
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await (connection as QueryRunnerConnection).runner.release();
  }
  // The data source owns the pool: whoever created it destroys it.
  async destroy(): Promise<void> {}
}

const instances = new WeakMap<DataSource, Kysely<unknown>>();

/**
 * The typed query builder of a service's database (`DB` names its tables and columns, once),
 * running over the service's TypeORM data source. TypeORM keeps the pool, the migrations and the
 * statement tally; every statement the service writes is built by Kysely, so a renamed column is
 * a compile error wherever it is used. One instance per data source.
 */
export function kyselyOver<DB>(ds: DataSource): Kysely<DB> {
  let db = instances.get(ds);
  if (!db) {
    const dialect: Dialect = {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DataSourceDriver(ds),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    };
    db = new Kysely<unknown>({ dialect });
    instances.set(ds, db);
  }
  return db as Kysely<DB>;
}

/**
 * `jsonb_build_object('key', value, …)`: a document with the API's field names as keys, in the
 * order given (jsonb then orders them its own way, as it stores them).
 */
export function jsonbObject(fields: Record<string, Expression<unknown>>): RawBuilder<Record<string, unknown>> {
  return sql<Record<string, unknown>>`jsonb_build_object(${sql.join(Object.entries(fields).map(([key, value]) => sql`${sql.lit(key)}, ${value}`))})`;
}
