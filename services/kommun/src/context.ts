import type { Credentials } from '@samverkan/server-kit';
import type { RegionCatalogue } from './catalogue';
import type { Loaders } from './store/loaders';
import type { KommunDb } from './store/tables';

/** What every resolver of the kommun subgraph gets. */
export interface KommunContext {
  /**
   * The database, as this request's own handle: its statements count into the request's tally
   * (`extensions.sqlStatements`) and their log lines carry its id (see kyselyOver). A subscription's
   * handle belongs to no request.
   */
  db: KommunDb;
  /** The kommunkoder this instance serves (one, except in a combined instance). */
  codes: ReadonlySet<string>;
  credentials: Credentials;
  loaders: Loaders;
  /** The region's catalogue (programmes, development areas, initiatives), as this instance knows it now. */
  catalogue: RegionCatalogue;
}
