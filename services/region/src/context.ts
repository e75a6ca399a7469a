import type { DataSource } from 'typeorm';
import type { Credentials } from '@samverkan/server-kit';
import type { Loaders } from './store/loaders';

/** What every resolver of the region subgraph gets. */
export interface RegionContext {
  db: DataSource;
  credentials: Credentials;
  /** Replaced after each write, so that a mutation's answer never comes from a stale cache. */
  loaders: Loaders;
}
