import 'reflect-metadata';
import { connectAndMigrate, createPostgresDataSource, keepDatesAsStrings, type CountedDataSource, type Logger } from '@samverkan/common';
import { entities } from './entities';
import { migrations } from './migrations';

keepDatesAsStrings();

export { connectAndMigrate };

/** The region's database: its entities and committed migrations over pg (see createPostgresDataSource). */
export function createDataSource(options: { url: string; poolSize?: number; logger?: Logger }): CountedDataSource {
  return createPostgresDataSource({ ...options, entities, migrations });
}
