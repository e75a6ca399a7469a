// What loads pg has an entry of its own, so that building a schema does not load it:
// '@samverkan/subgraph-kit/dates' (setDateParsers) and '@samverkan/subgraph-kit/database-admin'.
export * from './database';
export * from './federation';
export * from './sql-counter';
export * from './subgraph-http';
export * from './audit';
export * from './subgraph-server';
export * from './kysely';
export * from './statement-cache';
