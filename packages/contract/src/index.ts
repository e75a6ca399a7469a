export * from './ids';
export * from './cursor';
export * from './domain';
export * from './error-codes';
export * from './dates';
