export * from '@samverkan/contract';
export * from '@samverkan/server-kit';
export * from '@samverkan/subgraph-kit';
export * from './testing';
