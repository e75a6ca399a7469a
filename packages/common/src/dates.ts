import { types } from 'pg';

/**
 * PostgreSQL `date` values stay 'YYYY-MM-DD' strings: the default parser turns them into a
 * local-time midnight Date, which shifts the day in any time zone west of UTC.
 */
export function keepDatesAsStrings(): void {
  types.setTypeParser(1082, (value: string) => value);
}
keepDatesAsStrings();
