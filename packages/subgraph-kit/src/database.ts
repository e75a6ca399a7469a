import { DataSource, type MigrationInterface } from 'typeorm';
import { CountingLogger } from './sql-counter';
import type { Logger } from '@samverkan/server-kit';

export interface PostgresDataSourceOptions {
  url: string;
  migrations: Array<new () => MigrationInterface>;
  /** Pool size (pg). Default 10. */
  poolSize?: number;
  logger?: Logger;
}

export type CountedDataSource = DataSource & { counter: CountingLogger };

/**
 * A service's own database: TypeORM over pg, committed migrations, never `synchronize`. It holds no
 * entities: a service's statements are built by Kysely over it (see `kyselyOver`). The logger
 * counts statements per request (see `kyselyOver`) and in total (`counter.total`).
 */
export function createPostgresDataSource(options: PostgresDataSourceOptions): CountedDataSource {
  const counter = new CountingLogger(options.logger);
  const ds = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [],
    migrations: options.migrations,
    migrationsRun: false,
    synchronize: false,
    logger: counter,
    extra: { max: options.poolSize ?? 10 },
  });
  return Object.assign(ds, { counter });
}

/** The pg pool under a TypeORM data source (its driver's `master`), once it is connected. */
export function poolOf(ds: DataSource): { totalCount: number; idleCount: number; waitingCount: number } | undefined {
  return (ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
}

/** Connects and applies pending migrations; returns the names applied. */
export async function connectAndMigrate(ds: DataSource): Promise<string[]> {
  if (!ds.isInitialized) await ds.initialize();
  const pool = (ds.driver as unknown as { master?: { on(event: 'error', cb: (e: Error) => void): void } }).master;
  // An idle client losing its connection (server restart, admin shutdown) must not crash the process.
  pool?.on('error', () => undefined);
  const applied = await ds.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/** The body of a `migrate` command: applies pending migrations to DATABASE_URL and says what it did. */
export async function runMigrations(ds: DataSource): Promise<void> {
  try {
    const applied = await connectAndMigrate(ds);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    await ds.destroy();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
