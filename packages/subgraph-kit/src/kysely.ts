import {
  DefaultQueryExecutor,
  Kysely,
  PostgresDialect,
  PostgresDriver,
  sql,
  type CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type Driver,
  type Expression,
  type KyselyProps,
  type QueryResult,
  type RawBuilder,
} from 'kysely';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from './database';
import type { CountingLogger, StatementTally } from './sql-counter';

/** The tally of the request a connection is lent to, while it is (see Lending). */
const LENT = Symbol('lent to');
type Lendable = DatabaseConnection & { [LENT]?: StatementTally };

/**
 * Kysely's PostgreSQL driver over a data source's pg pool, asked for when the first statement runs
 * (after `initialize`). Each of its connections tells the counting logger of every statement it
 * sends (transaction control included), for the request it is lent to at the time: a connection
 * serves one holder at a time, so the holder's tally is the statement's, with no async scope.
 */
class CountedDriver extends PostgresDriver {
  #init?: Promise<void>;
  #ready = false;
  constructor(
    pool: () => Promise<Pool>,
    private readonly counter: CountingLogger | undefined,
  ) {
    super({ pool });
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#ready) {
      this.#init ??= super.init().then(
        () => void (this.#ready = true),
        (err: unknown) => {
          this.#init = undefined;
          throw err;
        },
      );
      await this.#init;
    }
    const connection = (await super.acquireConnection()) as Lendable;
    if (!(LENT in connection)) observe(connection, this.counter);
    return connection;
  }
}

/** Wraps a connection's statements (once per connection) so that each is counted, and logged, for the tally it is lent to. */
function observe(connection: Lendable, counter: CountingLogger | undefined): void {
  connection[LENT] = undefined;
  if (!counter) return;
  const execute = connection.executeQuery.bind(connection);
  const stream = connection.streamQuery.bind(connection);
  const record = (query: CompiledQuery, tally: StatementTally | undefined, failure: unknown) => {
    counter.statement(query.sql, query.parameters, tally);
    if (failure !== undefined) counter.failed(failure, query.sql, tally);
  };
  connection.executeQuery = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
    const tally = connection[LENT];
    let failure: unknown;
    try {
      return await execute<R>(query);
    } catch (err) {
      failure = err ?? new Error('statement failed');
      throw err;
    } finally {
      record(query, tally, failure);
    }
  };
  connection.streamQuery = async function* <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const tally = connection[LENT];
    let failure: unknown;
    try {
      yield* stream<R>(query, chunkSize);
    } catch (err) {
      failure = err ?? new Error('statement failed');
      throw err;
    } finally {
      record(query, tally, failure);
    }
  };
}

/** Connections from the driver, each lent to one tally (or to none) for as long as it is held. */
class Lending implements ConnectionProvider {
  constructor(
    private readonly driver: Driver,
    private readonly tally: StatementTally | undefined,
  ) {}
  async provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    const connection = (await this.driver.acquireConnection()) as Lendable;
    connection[LENT] = this.tally;
    try {
      return await consumer(connection);
    } finally {
      connection[LENT] = undefined;
      await this.driver.releaseConnection(connection);
    }
  }
}

interface Shared {
  props: KyselyProps;
  driver: CountedDriver;
  db: Kysely<unknown>;
}

const instances = new WeakMap<DataSource, Shared>();

/**
 * The typed query builder of a service's database (`DB` names its tables and columns, once),
 * over the pg pool of the service's TypeORM data source: TypeORM keeps the pool and the
 * migrations, Kysely's own PostgreSQL driver sends every statement the service writes (and its
 * transactions) straight to pg, so a renamed column is a compile error wherever it is used. Each
 * statement is told to the data source's counting logger (the total, the trace log the benchmark
 * replays, failures as warnings) as TypeORM's own are. With a request's `tally`, a handle of that
 * request's own, which counts its statements into the tally and logs them with its id; without,
 * the shared handle, whose statements belong to no request. One driver and pool per data source,
 * the handles of the requests included; the pool is asked for when the first statement runs,
 * after `initialize`.
 */
export function kyselyOver<DB>(ds: DataSource, tally?: StatementTally): Kysely<DB> {
  let shared = instances.get(ds);
  if (!shared) {
    const counter = (ds as DataSource & { counter?: CountingLogger }).counter;
    const pool = async () => {
      const pg = poolOf(ds);
      if (!pg) throw new Error('kyselyOver: the data source is not initialized');
      return pg as unknown as Pool;
    };
    const driver = new CountedDriver(pool, counter);
    // The dialect compiles and adapts; its own driver is never made (the one above serves every handle).
    const dialect = new PostgresDialect({ pool });
    const executor = new DefaultQueryExecutor(dialect.createQueryCompiler(), dialect.createAdapter(), new Lending(driver, undefined), []);
    const props: KyselyProps = { config: { dialect }, dialect, driver, executor };
    shared = { props, driver, db: new Kysely<unknown>(props) };
    instances.set(ds, shared);
  }
  if (!tally) return shared.db as Kysely<DB>;
  return new Kysely<DB>({ ...shared.props, executor: shared.props.executor.withConnectionProvider(new Lending(shared.driver, tally)) });
}

/**
 * `jsonb_build_object('key', value, …)`: a document with the API's field names as keys, in the
 * order given (jsonb then orders them its own way, as it stores them).
 */
export function jsonbObject(fields: Record<string, Expression<unknown>>): RawBuilder<Record<string, unknown>> {
  return sql<Record<string, unknown>>`jsonb_build_object(${sql.join(Object.entries(fields).map(([key, value]) => sql`${sql.lit(key)}, ${value}`))})`;
}
