import type { DataSource } from 'typeorm';
import { GraphQLError } from 'graphql';
import { CursorError, DEFAULT_PROJECT_ORDER, decodeCursor, encodeCursor, type CursorPosition } from '@samverkan/contract';
import type { Project } from '../entities/project';
import type { ProjectFilter, ProjectOrder } from '../graphql/types';
import { OrderDirection, ProjectOrderField } from '../graphql/enums';
import { Params } from './sql';

/** What reads need: a pool (`DataSource`) or a transaction (`EntityManager`). */
export type Queryable = Pick<DataSource, 'query'>;

/** What a project list hangs off: the root, a kommun, an area, a programme or an initiative. */
export type Scope = 'root' | 'municipality' | 'area' | 'programme' | 'initiative';

export interface PageArgs {
  filter?: ProjectFilter;
  orderBy?: ProjectOrder;
  first?: number;
  after?: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_ORDER: ProjectOrder = { field: ProjectOrderField[DEFAULT_PROJECT_ORDER.field], direction: OrderDirection[DEFAULT_PROJECT_ORDER.direction] };

/** Columns of a project row, aliased to the entity's property names. */
export const PROJECT_COLUMNS = `p.id AS "localId", p.municipality_code AS "municipalityCode", p.title, p.summary, p.status,
  p.start_date AS "startDate", p.end_date AS "endDate", p.budget_total::float8 AS "budgetTotal",
  p.eu_cofinancing::float8 AS "euCofinancing", p.currency, p.department, p.initiative_id AS "initiativeId",
  p.synthetic, p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

/** The SQL expression each order sorts by, and the cast its cursor value takes. */
const SORT: Record<ProjectOrderField, { expr: string; cast: string; value: string }> = {
  START_DATE: { expr: 'p.start_date', cast: '::date', value: `to_char(p.start_date, 'YYYY-MM-DD')` },
  BUDGET_TOTAL: { expr: 'coalesce(p.budget_total, 0)', cast: '::numeric', value: 'coalesce(p.budget_total, 0)::float8' },
  EU_COFINANCING: { expr: 'coalesce(p.eu_cofinancing, 0)', cast: '::numeric', value: 'coalesce(p.eu_cofinancing, 0)::float8' },
  TITLE: { expr: '(p.title COLLATE "C")', cast: '::text COLLATE "C"', value: 'p.title' },
  ID: { expr: 'p.municipality_code', cast: '::char(4)', value: 'p.municipality_code' },
};

function badArg(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** SQL conditions for a filter; every string goes in as a parameter. */
export function filterConditions(filter: ProjectFilter | undefined, params: Params): string[] {
  const where: string[] = [];
  if (!filter) return where;
  if (filter.municipalities) where.push(`p.municipality_code = ANY(${params.add(filter.municipalities, '::text[]')})`);
  if (filter.status) where.push(`p.status = ANY(${params.add(filter.status, '::text[]')})`);
  if (filter.developmentAreas) {
    where.push(`EXISTS (SELECT 1 FROM project_area fa WHERE fa.project_id = p.id AND fa.area_code = ANY(${params.add(filter.developmentAreas, '::text[]')}))`);
  }
  if (filter.programmes) {
    where.push(`EXISTS (SELECT 1 FROM funding ff WHERE ff.project_id = p.id AND ff.programme_code = ANY(${params.add(filter.programmes, '::text[]')}))`);
  }
  if (filter.funds) {
    where.push(`EXISTS (SELECT 1 FROM funding ff WHERE ff.project_id = p.id AND ff.fund = ANY(${params.add(filter.funds, '::text[]')}))`);
  }
  if (filter.initiative) where.push(`p.initiative_id = ${params.add(filter.initiative)}`);
  if (filter.activeOn) {
    const d = params.add(filter.activeOn, '::date');
    where.push(`p.start_date <= ${d} AND (p.end_date IS NULL OR p.end_date >= ${d})`);
  }
  // A range's omitted end leaves that side open; a project without a start date matches neither.
  if (filter.startDate) {
    const { from, to } = filter.startDate;
    where.push('p.start_date IS NOT NULL');
    if (from != null) where.push(`p.start_date >= ${params.add(from, '::date')}`);
    if (to != null) where.push(`p.start_date <= ${params.add(to, '::date')}`);
  }
  // The activeOn rule over a period: it starts by the range's end and has not ended before its start.
  if (filter.activeDuring) {
    const { from, to } = filter.activeDuring;
    where.push('p.start_date IS NOT NULL');
    if (to != null) where.push(`p.start_date <= ${params.add(to, '::date')}`);
    if (from != null) where.push(`(p.end_date IS NULL OR p.end_date >= ${params.add(from, '::date')})`);
  }
  // websearch_to_tsquery never fails on user syntax: quotes, OR and -word are understood, the rest is words.
  if (filter.text) where.push(`p.search @@ websearch_to_tsquery('simple', ${params.add(filter.text)})`);
  if (filter.synthetic !== undefined) where.push(`p.synthetic = ${params.add(filter.synthetic)}`);
  return where;
}

/** The condition tying a project to its parent, with `k.key` the parent's key. */
function scopeCondition(scope: Scope): string {
  switch (scope) {
    case 'root':
      return 'true';
    case 'municipality':
      return 'p.municipality_code = k.key';
    case 'area':
      return 'EXISTS (SELECT 1 FROM project_area sa WHERE sa.project_id = p.id AND sa.area_code = k.key)';
    case 'programme':
      return 'EXISTS (SELECT 1 FROM funding sf WHERE sf.project_id = p.id AND sf.programme_code = k.key)';
    case 'initiative':
      return 'p.initiative_id = k.key';
  }
}

export interface NormalizedPage {
  order: ProjectOrder;
  first: number;
  after: CursorPosition | null;
}

/** Checks page arguments; throws a clear error naming the argument. */
export function normalizePage(args: PageArgs): NormalizedPage {
  const order = args.orderBy ?? DEFAULT_ORDER;
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badArg(`first must be between 0 and ${MAX_PAGE_SIZE} (got ${args.first}).`);
  }
  let after: CursorPosition | null = null;
  if (args.after != null) {
    try {
      after = decodeCursor(args.after, order);
    } catch (e) {
      throw badArg(`after: ${e instanceof CursorError ? e.message : 'invalid cursor'}.`);
    }
  }
  return { order, first, after };
}

export type ProjectRow = Project & { sortValue: string | number; scopeKey: string };

export interface Page {
  rows: ProjectRow[];
  hasNextPage: boolean;
}

/**
 * One statement for the pages of every parent in `keys`: a LATERAL subquery per key, each ordered
 * by (sort value, kommunkod, id) and cut at first + 1 to learn whether more follow.
 */
export async function loadPages(
  db: Queryable,
  scope: Scope,
  keys: readonly string[],
  filter: ProjectFilter | undefined,
  page: NormalizedPage,
): Promise<Map<string, Page>> {
  const params = new Params();
  const keysParam = params.add(keys, '::text[]');
  const sort = SORT[page.order.field];
  const dir = page.order.direction === 'DESC' ? 'DESC' : 'ASC';
  const where = [scopeCondition(scope), ...filterConditions(filter, params)];
  if (page.after) {
    const op = dir === 'DESC' ? '<' : '>';
    where.push(
      `(${sort.expr}, p.municipality_code, p.id) ${op} (${params.add(page.after.value, sort.cast)}, ${params.add(page.after.code, '::char(4)')}, ${params.add(page.after.local, '::int')})`,
    );
  }
  const sql = `SELECT k.key AS "scopeKey", x.* FROM unnest(${keysParam}) AS k(key)
    CROSS JOIN LATERAL (
      SELECT ${PROJECT_COLUMNS}, ${sort.value} AS "sortValue" FROM project p
      WHERE ${where.join(' AND ')}
      ORDER BY ${sort.expr} ${dir}, p.municipality_code ${dir}, p.id ${dir}
      LIMIT ${params.add(page.first + 1, '::int')}
    ) x`;
  const rows: ProjectRow[] = await db.query(sql, params.values);
  const out = new Map<string, Page>(keys.map((k) => [k, { rows: [], hasNextPage: false }]));
  for (const row of rows) {
    const p = out.get(row.scopeKey)!;
    if (p.rows.length < page.first) p.rows.push(row);
    else p.hasNextPage = true;
  }
  return out;
}

/** The cursor of a row in the given order. */
export function cursorOf(row: ProjectRow, order: ProjectOrder): string {
  return encodeCursor({
    field: order.field,
    direction: order.direction,
    value: row.sortValue,
    code: row.municipalityCode,
    local: row.localId,
  });
}

/** One statement counting the matches of every parent in `keys`. */
export async function countMatches(
  db: Queryable,
  scope: Scope,
  keys: readonly string[],
  filter: ProjectFilter | undefined,
): Promise<Map<string, number>> {
  const params = new Params();
  const keysParam = params.add(keys, '::text[]');
  const where = [scopeCondition(scope), ...filterConditions(filter, params)];
  const rows: Array<{ key: string; n: number }> = await db.query(
    `SELECT k.key, (SELECT count(*)::int FROM project p WHERE ${where.join(' AND ')}) AS n FROM unnest(${keysParam}) AS k(key)`,
    params.values,
  );
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Projects by local id, one statement. */
export async function loadProjectsById(db: Queryable, ids: readonly number[]): Promise<Map<number, Project>> {
  const rows: Project[] = await db.query(`SELECT ${PROJECT_COLUMNS} FROM project p WHERE p.id = ANY($1::int[])`, [ids]);
  return new Map(rows.map((r) => [r.localId, r]));
}
