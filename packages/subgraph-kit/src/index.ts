export * from './database';
export * from './dates';
export * from './federation';
export * from './sql-counter';
export * from './subgraph-http';
export * from './audit';
export * from './database-admin';
