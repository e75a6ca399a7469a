import { Kysely, PostgresDialect, sql, type Expression, type LogEvent, type RawBuilder } from 'kysely';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { poolOf } from './database';
import type { CountingLogger } from './sql-counter';

const instances = new WeakMap<DataSource, Kysely<unknown>>();

/**
 * The typed query builder of a service's database (`DB` names its tables and columns, once),
 * over the pg pool of the service's TypeORM data source: TypeORM keeps the pool and the
 * migrations, Kysely's own PostgreSQL driver sends every statement the service writes (and its
 * transactions) straight to pg, so a renamed column is a compile error wherever it is used. Each
 * statement is told to the data source's counting logger (the statement tally, the total, the
 * trace log the benchmark replays, failures as warnings) as TypeORM's own were. One instance per
 * data source; the pool is asked for when the first statement runs, after `initialize`.
 */
export function kyselyOver<DB>(ds: DataSource): Kysely<DB> {
  let db = instances.get(ds);
  if (!db) {
    const counter = (ds as DataSource & { counter?: CountingLogger }).counter;
    db = new Kysely<unknown>({
      dialect: new PostgresDialect({
        pool: async () => {
          const pool = poolOf(ds);
          if (!pool) throw new Error('kyselyOver: the data source is not initialized');
          return pool as unknown as Pool;
        },
      }),
      log: counter
        ? (event: LogEvent) => {
            counter.logQuery(event.query.sql, event.query.parameters as unknown[]);
            if (event.level === 'error') counter.logQueryError(event.error instanceof Error ? event.error : String(event.error), event.query.sql);
          }
        : undefined,
    });
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
