import { Initial1764201600000 } from './1764201600000-Initial';
import { AuditLog1765411200000 } from './1765411200000-AuditLog';

/** Every migration, in order. Committed; never generated at run time. */
export const migrations = [Initial1764201600000, AuditLog1765411200000];
