export * from './region';
export * from './postgres';
export * from './processes';
export * from './manifest';
export * from './dev-idp';
export * from './hub';
export * from './node-flags';
