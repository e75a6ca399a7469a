import { KOMMUNKOD, MAX_LOCAL_ID } from './ids';
import { ProjectOrderField as OrderFields, type OrderDirection as OrderDirections } from './domain';
import { isLocalDate } from './dates';
/**
 * Keyset cursors for project lists. A cursor holds the position of one project in a global order
 * (sort value, kommunkod, local id), so that every shard can continue after it and the gateway can
 * merge the shards' pages into one order with the same comparison.
 */
type ProjectOrderField = `${OrderFields}`;
type OrderDirection = `${OrderDirections}`;

export interface CursorPosition {
  field: ProjectOrderField;
  direction: OrderDirection;
  /** The sort value: ISO date, number, title, or the kommunkod for the ID order. */
  value: string | number | null;
  code: string;
  local: number;
}

export class CursorError extends Error {}

/** The order of a project list that names none. */
export const DEFAULT_PROJECT_ORDER: { field: ProjectOrderField; direction: OrderDirection } = { field: 'START_DATE', direction: 'DESC' };

export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify([p.field, p.direction, p.value, p.code, p.local])).toString('base64url');
}

const FIELDS: ReadonlySet<string> = new Set<string>(Object.values(OrderFields));

/**
 * Decodes a cursor this API issued; refuses one it did not. Given the order of the list it pages
 * (DEFAULT_PROJECT_ORDER when the list names none), refuses a cursor of another order too.
 */
export function decodeCursor(cursor: string, order?: { field: string; direction: string }): CursorPosition {
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
    typeof code !== 'string' ||
    !KOMMUNKOD.test(code) ||
    typeof local !== 'number' ||
    !Number.isInteger(local) ||
    local < 1 ||
    local > MAX_LOCAL_ID
  ) {
    throw new CursorError('the cursor is not one this API issued');
  }
  // Each shard puts the value into SQL cast to its order's type: one that does not fit is forged.
  if (!fitsOrder(field as ProjectOrderField, value)) throw new CursorError(`the cursor is not one this API issued (its value does not fit the order ${field})`);
  if (order && (order.field !== field || order.direction !== direction)) {
    throw new CursorError(`the cursor belongs to the order ${field} ${direction}, not ${order.field} ${order.direction}`);
  }
  return { field: field as ProjectOrderField, direction, value, code, local };
}

/** Whether a sort value is one a kommun issues for the order: what its SQL can compare. */
function fitsOrder(field: ProjectOrderField, value: unknown): value is string | number {
  switch (field) {
    case 'BUDGET_TOTAL':
    case 'EU_COFINANCING':
      return typeof value === 'number' && Number.isFinite(value);
    case 'START_DATE':
      return typeof value === 'string' && isDate(value);
    case 'TITLE':
      // PostgreSQL's text cannot hold NUL.
      return typeof value === 'string' && !value.includes('\u0000');
    case 'ID':
      return typeof value === 'string' && KOMMUNKOD.test(value);
  }
}

/** A calendar date as `YYYY-MM-DD`, from year 1 (PostgreSQL has no year 0). */
function isDate(value: string): boolean {
  return isLocalDate(value) && !value.startsWith('0000');
}

/**
 * Compares two positions in the global order (ascending sense; the caller flips for DESC).
 * Strings compare by code point (`compareCodePoints`), as the kommun subgraph sorts titles with
 * COLLATE "C", so that every shard and the gateway agree on one order.
 */
export function comparePositions(a: CursorPosition, b: CursorPosition): number {
  const sign = a.direction === 'DESC' ? -1 : 1;
  const byValue = compareScalar(a.value, b.value);
  if (byValue !== 0) return sign * byValue;
  const byCode = compareCodePoints(a.code, b.code);
  if (byCode !== 0) return sign * byCode;
  return sign * (a.local - b.local);
}

function compareScalar(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareCodePoints(String(a), String(b));
}

/**
 * Compares strings by Unicode code point: the byte order of their UTF-8, which is PostgreSQL's
 * "C" collation. JavaScript's `<` compares UTF-16 code units instead, which puts a character
 * above U+FFFF (a surrogate pair, D800–DFFF) before U+E000–U+FFFF, where PostgreSQL puts it after.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    // A surrogate stands for a code point above U+FFFF, so it ranks above every other code unit;
    // two surrogates at the first difference keep their order (both high, or both low after the
    // same high one).
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);
