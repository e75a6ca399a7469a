import { Initial1764115200000 } from './1764115200000-Initial';
import { ProjectChangeEvents1764806400000 } from './1764806400000-ProjectChangeEvents';
import { AuditLog1765411200000 } from './1765411200000-AuditLog';

/** Every migration, in order. Committed; never generated at run time. */
export const migrations = [Initial1764115200000, ProjectChangeEvents1764806400000, AuditLog1765411200000];
