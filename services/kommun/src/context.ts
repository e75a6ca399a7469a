import type { DataSource } from 'typeorm';
import type { Credentials } from '@samverkan/server-kit';
import type { RegionCatalogue } from './catalogue';
import type { Loaders } from './store/loaders';

/** What every resolver of the kommun subgraph gets. */
export interface KommunContext {
  db: DataSource;
  /** The kommunkoder this instance serves (one, except in a combined instance). */
  codes: ReadonlySet<string>;
  credentials: Credentials;
  loaders: Loaders;
  /** The region's catalogue (programmes, development areas, initiatives), as this instance knows it now. */
  catalogue: RegionCatalogue;
}
