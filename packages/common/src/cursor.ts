import { KOMMUNKOD } from './ids';
/**
 * Keyset cursors for project lists. A cursor holds the position of one project in a global order
 * (sort value, kommunkod, local id), so that every shard can continue after it and the gateway can
 * merge the shards' pages into one order with the same comparison.
 */
export type ProjectOrderField = 'START_DATE' | 'BUDGET_TOTAL' | 'EU_COFINANCING' | 'TITLE' | 'ID';
export type OrderDirection = 'ASC' | 'DESC';

export interface CursorPosition {
  field: ProjectOrderField;
  direction: OrderDirection;
  /** The sort value: ISO date, number, title or null for the ID order. */
  value: string | number | null;
  code: string;
  local: number;
}

export class CursorError extends Error {}

export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify([p.field, p.direction, p.value, p.code, p.local])).toString('base64url');
}

const FIELDS: ReadonlySet<string> = new Set(['START_DATE', 'BUDGET_TOTAL', 'EU_COFINANCING', 'TITLE', 'ID']);

export function decodeCursor(cursor: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('the cursor is not one this API issued (malformed)');
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw new CursorError('the cursor is not one this API issued');
  const [field, direction, value, code, local] = parsed as unknown[];
  if (
    typeof field !== 'string' ||
    !FIELDS.has(field) ||
    (direction !== 'ASC' && direction !== 'DESC') ||
    !(value === null || typeof value === 'string' || typeof value === 'number') ||
    typeof code !== 'string' ||
    !KOMMUNKOD.test(code) ||
    typeof local !== 'number' ||
    !Number.isSafeInteger(local)
  ) {
    throw new CursorError('the cursor is not one this API issued');
  }
  return { field: field as ProjectOrderField, direction, value, code, local };
}

/**
 * Compares two positions in the global order (ascending sense; the caller flips for DESC).
 * Strings compare by UTF-16 code units, which agrees with PostgreSQL's "C" collation for the
 * Basic Multilingual Plane; the kommun subgraph sorts titles with COLLATE "C" for that reason.
 */
export function comparePositions(a: CursorPosition, b: CursorPosition): number {
  const sign = a.direction === 'DESC' ? -1 : 1;
  const byValue = compareScalar(a.value, b.value);
  if (byValue !== 0) return sign * byValue;
  const byCode = a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  if (byCode !== 0) return sign * byCode;
  return sign * (a.local - b.local);
}

function compareScalar(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
