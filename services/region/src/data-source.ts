import 'reflect-metadata';
import { type Logger } from '@samverkan/server-kit';
import { connectAndMigrate, createPostgresDataSource, type CountedDataSource } from '@samverkan/subgraph-kit';
import { setDateParsers } from '@samverkan/subgraph-kit/dates';
import { migrations } from './migrations';

export { connectAndMigrate };

/**
 * The region's database: its committed migrations over pg; its statements are Kysely's (store/tables.ts) (see createPostgresDataSource).
 * Dates stay 'YYYY-MM-DD' strings: this sets pg's (process-wide) date parser, where the service
 * starts, rather than any import doing it.
 */
export function createDataSource(options: { url: string; poolSize?: number; logger?: Logger }): CountedDataSource {
  setDateParsers();
  return createPostgresDataSource({ ...options, migrations });
}
