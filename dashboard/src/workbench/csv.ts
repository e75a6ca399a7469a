import { stringify } from 'csv-stringify/browser/esm/sync';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** A list of objects found in a result: where it is (`projects.nodes`) and its rows. */
export interface ResultList {
  path: string;
  rows: Obj[];
}

const isObject = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The lists of objects in a GraphQL result's `data`, outermost first: `projects.nodes`,
 * `projectStats`, `developmentAreas`. A list inside a list's rows is part of those rows (see
 * `toCsv`), not a list of its own.
 */
export function listsOf(data: Json | undefined, path: string[] = []): ResultList[] {
  if (Array.isArray(data)) return data.some(isObject) ? [{ path: path.join('.'), rows: data.filter(isObject) }] : [];
  if (!isObject(data)) return [];
  return Object.entries(data).flatMap(([key, value]) => listsOf(value, [...path, key]));
}

/** A row's cells by column: nested objects as dotted columns, lists as their values joined by "; ". */
function flatten(value: Json, prefix: string, out: Map<string, Array<string | number | boolean>>): void {
  if (value === null) {
    if (!out.has(prefix)) out.set(prefix, []);
  } else if (Array.isArray(value)) {
    if (!out.has(prefix) && !value.some((v) => isObject(v) || Array.isArray(v))) out.set(prefix, []);
    for (const v of value) flatten(v, prefix, out);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, [...(out.get(prefix) ?? []), value]);
  }
}

/**
 * One list as CSV (RFC 4180, by csv-stringify's browser build): a column per leaf field in the
 * order first seen, numbers as numbers, an empty cell for null, and the values of a list inside a
 * row joined by "; " (a project's development areas, say). Starts with a byte-order mark, so that
 * a spreadsheet reads å, ä and ö as they are.
 */
export function toCsv(list: ResultList): string {
  const rows = list.rows.map((row) => {
    const cells = new Map<string, Array<string | number | boolean>>();
    flatten(row, '', cells);
    return cells;
  });
  const columns: string[] = [];
  for (const cells of rows) for (const key of cells.keys()) if (!columns.includes(key)) columns.push(key);
  const records = rows.map((cells) =>
    columns.map((c) => {
      const values = cells.get(c) ?? [];
      return values.length === 0 ? null : values.length === 1 ? values[0] : values.join('; ');
    }),
  );
  return `\ufeff${stringify(records, { header: true, columns, cast: { boolean: (b) => String(b) } })}`;
}
