import { types } from 'pg';

/**
 * PostgreSQL `date` values stay 'YYYY-MM-DD' strings: the default parser turns them into a
 * local-time midnight Date, which shifts the day in any time zone west of UTC. pg's parsers are
 * global to the process, so this is a call, never a side effect of an import: a subgraph calls it
 * when it creates its data source (see createDataSource in services/kommun and services/region).
 */
export function keepDatesAsStrings(): void {
  types.setTypeParser(1082, (value: string) => value);
}
