import 'reflect-metadata';
import { createLogger, readConfig } from '@samverkan/server-kit';
import { runMigrations } from '@samverkan/subgraph-kit';
import { regionEnv } from '../config';
import { createDataSource } from '../data-source';

/** Applies pending migrations to DATABASE_URL: `npm run region:migrate`. */
const { DATABASE_URL, LOG_LEVEL } = readConfig({ DATABASE_URL: regionEnv.DATABASE_URL, LOG_LEVEL: regionEnv.LOG_LEVEL });
void runMigrations(createDataSource({ url: DATABASE_URL, logger: createLogger('region-migrate', LOG_LEVEL) }));
