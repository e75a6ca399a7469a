// Tracing is not here: an entry point starts it first, from '@samverkan/server-kit/tracing',
// before it loads the HTTP modules it instruments.
export * from './config';
export * from './logger';
export * from './auth';
export * from './signing-keys';
export * from './errors';
export * from './protection';
export * from './cost';
export * from './http';
export * from './app';
export * from './sockets';
export * from './metrics';
export * from './lifecycle';
