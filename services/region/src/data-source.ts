import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CountingLogger, type Logger } from '@samverkan/common';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DataSourceOptions {
  url: string;
  /** Pool size (pg). Default 10. */
  poolSize?: number;
  logger?: Logger;
}

/**
 * The region's database: TypeORM over pg, migrations committed in `migrations/`, never
 * `synchronize`. The logger counts statements per request (see `withStatementTally`).
 */
export function createDataSource(options: DataSourceOptions): DataSource & { counter: CountingLogger } {
  const counter = new CountingLogger(options.logger);
  const ds = new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logger: counter,
    extra: { max: options.poolSize ?? 10 },
  });
  return Object.assign(ds, { counter });
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
