import type { Credentials } from '@samverkan/server-kit';
import type { Loaders } from './store/loaders';
import type { RegionDb } from './store/tables';

/** What every resolver of the region subgraph gets. */
export interface RegionContext {
  /** The database, as this request's own handle: its statements count into the request's tally and their log lines carry its id (see kyselyOver). */
  db: RegionDb;
  credentials: Credentials;
  /** Replaced after each write, so that a mutation's answer never comes from a stale cache. */
  loaders: Loaders;
}
