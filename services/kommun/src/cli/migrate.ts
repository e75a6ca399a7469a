import 'reflect-metadata';
import { createLogger, readConfig } from '@samverkan/server-kit';
import { runMigrations } from '@samverkan/subgraph-kit';
import { kommunEnv } from '../config';
import { createDataSource } from '../data-source';

/** Applies pending migrations to DATABASE_URL: `npm run kommun:migrate`. */
const { DATABASE_URL, LOG_LEVEL } = readConfig({ DATABASE_URL: kommunEnv.DATABASE_URL, LOG_LEVEL: kommunEnv.LOG_LEVEL });
void runMigrations(createDataSource({ url: DATABASE_URL, logger: createLogger('kommun-migrate', LOG_LEVEL) }));
