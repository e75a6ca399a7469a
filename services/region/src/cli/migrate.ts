import 'reflect-metadata';
import { createLogger, readConfig } from '@samverkan/common';
import { regionEnv } from '../config';
import { connectAndMigrate, createDataSource } from '../data-source';

/** Applies pending migrations to DATABASE_URL: `npm run region:migrate`. */
async function main(): Promise<void> {
  const { DATABASE_URL, LOG_LEVEL } = readConfig({ DATABASE_URL: regionEnv.DATABASE_URL, LOG_LEVEL: regionEnv.LOG_LEVEL });
  const db = createDataSource({ url: DATABASE_URL, logger: createLogger('region-migrate', LOG_LEVEL) });
  const applied = await connectAndMigrate(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  await db.destroy();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
