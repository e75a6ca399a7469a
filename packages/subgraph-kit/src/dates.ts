import { types } from 'pg';

const TIMESTAMPTZ = 1184;

/** The timestamptz text PostgreSQL sends in its default DateStyle, year 0100 on, offset in hours or hours and minutes. */
const COMMON_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-])(\d{2})(?::(\d{2}))?$/;

/**
 * A timestamptz as pg's own parser (postgres-date) makes it, the same Date for the same text, in
 * one regular expression for the text PostgreSQL sends (pg's parser runs three, and splits the
 * text, for each of the two timestamps of every project row); anything else (years before 0100,
 * BC, infinity, offsets with seconds) goes to pg's own parser.
 */
function parseTimestamptz(text: string, pgOwn: (text: string) => unknown): unknown {
  const m = COMMON_TIMESTAMPTZ.exec(text);
  if (!m || m[1] < '0100') return pgOwn(text);
  const ms = m[7] ? 1000 * parseFloat(m[7]) : 0;
  const offset = (Number(m[9]) * 3600 + (m[10] ? Number(m[10]) * 60 : 0)) * 1000;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  return new Date(m[8] === '-' ? utc + offset : utc - offset);
}

/**
 * How a subgraph reads PostgreSQL's dates. `date` values stay 'YYYY-MM-DD' strings: the default
 * parser turns them into a local-time midnight Date, which shifts the day in any time zone west
 * of UTC. `timestamptz` values become the Dates pg makes, by parseTimestamptz. pg's parsers are
 * global to the process, so this is a call, never a side effect of an import: a subgraph calls it
 * when it creates its data source (see createDataSource in services/kommun and services/region).
 */
export function setDateParsers(): void {
  types.setTypeParser(1082, (value: string) => value);
  const pgOwn = types.getTypeParser(TIMESTAMPTZ, 'text');
  // Called again, it keeps the parser it set the first time as the fallback, not itself.
  if ((pgOwn as { ours?: true }).ours) return;
  types.setTypeParser(TIMESTAMPTZ, Object.assign((text: string) => parseTimestamptz(text, pgOwn), { ours: true as const }));
}
