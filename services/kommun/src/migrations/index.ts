import { Initial1764115200000 } from './1764115200000-Initial';
import { ProjectChangeEvents1764806400000 } from './1764806400000-ProjectChangeEvents';

/** Every migration, in order. Committed; never generated at run time. */
export const migrations = [Initial1764115200000, ProjectChangeEvents1764806400000];
