import { Initial1764201600000 } from './1764201600000-Initial';

/** Every migration, in order. Committed; never generated at run time. */
export const migrations = [Initial1764201600000];
