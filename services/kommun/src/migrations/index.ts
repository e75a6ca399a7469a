import { Initial1764115200000 } from './1764115200000-Initial';

/** Every migration, in order. Committed; never generated at run time. */
export const migrations = [Initial1764115200000];
