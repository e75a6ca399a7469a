import { expressionBuilder, sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { GraphQLError } from 'graphql';
import { CursorError, DEFAULT_PROJECT_ORDER, decodeCursor, encodeCursor, type CursorPosition } from '@samverkan/contract';
import type { Funding } from '../entities/funding';
import type { Partner } from '../entities/partner';
import type { Project } from '../entities/project';
import type { ProjectFilter, ProjectOrder } from '../graphql/types';
import { OrderDirection, ProjectOrderField } from '../graphql/enums';
import { StatementCache } from '@samverkan/subgraph-kit';
import { projectColumns, type KommunDb, type KommunTables } from './tables';

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

/** `any($1::<type>[])`: one parameter for a list, whatever its length, so the statement's text stays the same. */
export function anyOf<T>(values: readonly T[], type: 'int' | 'text'): RawBuilder<T> {
  return sql<T>`any(${values}::${sql.raw(type)}[])`;
}

/** The parents' keys of one statement, as the table `k(key)`. */
type Keys = { k: { key: string } };

/**
 * Conditions on a project row (the table `project`) and, for a scope, on its parent's key (`k.key`):
 * built apart from any one statement, so the list, the count and the stats share them.
 */
const eb = expressionBuilder<KommunTables & Keys, 'project' | 'k'>();

/** The expression each order sorts by (each in the shape of its index), the cast its cursor value takes, and the value a cursor holds. */
const SORT: Record<ProjectOrderField, { expr: Expression<unknown>; cast: string; value: Expression<string | number> }> = {
  START_DATE: { expr: eb.ref('project.start_date'), cast: 'date', value: sql<string>`to_char(${eb.ref('project.start_date')}, 'YYYY-MM-DD')` },
  BUDGET_TOTAL: {
    expr: sql`coalesce(${eb.ref('project.budget_total')}, 0)`,
    cast: 'numeric',
    value: sql<number>`coalesce(${eb.ref('project.budget_total')}, 0)::float8`,
  },
  EU_COFINANCING: {
    expr: sql`coalesce(${eb.ref('project.eu_cofinancing')}, 0)`,
    cast: 'numeric',
    value: sql<number>`coalesce(${eb.ref('project.eu_cofinancing')}, 0)::float8`,
  },
  TITLE: { expr: sql`(${eb.ref('project.title')} COLLATE "C")`, cast: 'text COLLATE "C"', value: eb.ref('project.title') },
  ID: { expr: eb.ref('project.municipality_code'), cast: 'char(4)', value: eb.ref('project.municipality_code') },
};

function badArg(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** SQL conditions for a filter; every value goes in as a parameter. */
export function filterConditions(filter: ProjectFilter | undefined): Array<Expression<SqlBool>> {
  const where: Array<Expression<SqlBool>> = [];
  if (!filter) return where;
  if (filter.municipalities) where.push(eb('project.municipality_code', '=', anyOf(filter.municipalities, 'text')));
  if (filter.status) where.push(eb('project.status', '=', anyOf(filter.status, 'text')));
  if (filter.developmentAreas) {
    const areas = filter.developmentAreas;
    where.push(eb.exists(eb.selectFrom('project_area as fa').select(sql.lit(1).as('one')).whereRef('fa.project_id', '=', 'project.id').where('fa.area_code', '=', anyOf(areas, 'text'))));
  }
  if (filter.programmes) {
    const programmes = filter.programmes;
    where.push(eb.exists(eb.selectFrom('funding as ff').select(sql.lit(1).as('one')).whereRef('ff.project_id', '=', 'project.id').where('ff.programme_code', '=', anyOf(programmes, 'text'))));
  }
  if (filter.funds) {
    const funds = filter.funds;
    where.push(eb.exists(eb.selectFrom('funding as ff').select(sql.lit(1).as('one')).whereRef('ff.project_id', '=', 'project.id').where('ff.fund', '=', anyOf(funds, 'text'))));
  }
  if (filter.initiative) where.push(eb('project.initiative_id', '=', filter.initiative));
  if (filter.activeOn) {
    const d = sql<string>`${filter.activeOn}::date`;
    where.push(eb.and([eb('project.start_date', '<=', d), eb.or([eb('project.end_date', 'is', null), eb('project.end_date', '>=', d)])]));
  }
  // A range's omitted end leaves that side open; a project without a start date matches neither.
  if (filter.startDate) {
    const { from, to } = filter.startDate;
    where.push(eb('project.start_date', 'is not', null));
    if (from != null) where.push(eb('project.start_date', '>=', sql<string>`${from}::date`));
    if (to != null) where.push(eb('project.start_date', '<=', sql<string>`${to}::date`));
  }
  // The activeOn rule over a period: it starts by the range's end and has not ended before its start.
  if (filter.activeDuring) {
    const { from, to } = filter.activeDuring;
    where.push(eb('project.start_date', 'is not', null));
    if (to != null) where.push(eb('project.start_date', '<=', sql<string>`${to}::date`));
    if (from != null) where.push(eb.or([eb('project.end_date', 'is', null), eb('project.end_date', '>=', sql<string>`${from}::date`)]));
  }
  // websearch_to_tsquery never fails on user syntax: quotes, OR and -word are understood, the rest is words.
  if (filter.text) where.push(eb('project.search', '@@', sql<string>`websearch_to_tsquery('simple', ${filter.text})`));
  if (filter.synthetic !== undefined) where.push(eb('project.synthetic', '=', filter.synthetic));
  return where;
}

/** The condition tying a project to its parent, whose key is `k.key`. */
function scopeCondition(scope: Scope): Expression<SqlBool> {
  switch (scope) {
    case 'root':
      return sql<SqlBool>`true`;
    case 'municipality':
      return eb('project.municipality_code', '=', eb.ref('k.key'));
    case 'area':
      return eb.exists(eb.selectFrom('project_area as sa').select(sql.lit(1).as('one')).whereRef('sa.project_id', '=', 'project.id').whereRef('sa.area_code', '=', 'k.key'));
    case 'programme':
      return eb.exists(eb.selectFrom('funding as sf').select(sql.lit(1).as('one')).whereRef('sf.project_id', '=', 'project.id').whereRef('sf.programme_code', '=', 'k.key'));
    case 'initiative':
      return eb('project.initiative_id', '=', eb.ref('k.key'));
  }
}

/** The parents' keys as the table `k(key)`, one parameter. */
function keyTable(keys: readonly string[]) {
  return sql<{ key: string }>`unnest(${keys}::text[])`.as<'k'>(sql`k(key)`);
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
 * What the statement of a page reads besides its rows, when the query asks for it: the count of
 * every match (totalCount) and each row's development areas, funding lines and partners. Read in
 * the same statement, they cost no statement of their own (see loadPages).
 */
export interface PageExtras {
  count?: boolean;
  areas?: boolean;
  funding?: boolean;
  partners?: boolean;
}

/** A page with what its statement read besides the rows. */
export interface LoadedPage extends Page {
  /** Every match over all pages, when `count` was asked. */
  totalCount?: number;
  /** Each row's development area codes, in code order, by the row's local id, when `areas` was asked. */
  areas?: Map<number, string[]>;
  /** Each row's funding lines, in id order, by the row's local id, when `funding` was asked. */
  funding?: Map<number, Funding[]>;
  /** Each row's partners, in id order, by the row's local id, when `partners` was asked. */
  partners?: Map<number, Partner[]>;
}

/** The columns of a project row, as the entity names them. */
const PROJECT_SELECTION = projectColumns(expressionBuilder<KommunTables, 'project'>());

/** A row's development area codes, in code order (the order areasByProject reads them in). */
const AREA_CODES = sql<string[]>`array(select pa.area_code from project_area as pa where pa.project_id = ${eb.ref('project.id')} order by pa.area_code)`;
/** A row's funding lines as the entity names them, in id order (as fundingByProject reads them); amounts as float8, as there. */
const FUNDING_ROWS = sql<Funding[]>`(select coalesce(json_agg(json_build_object('id', f.id, 'projectId', f.project_id, 'programmeCode', f.programme_code, 'fund', f.fund, 'amount', f.amount::float8) order by f.id), '[]') from funding as f where f.project_id = ${eb.ref('project.id')})`;
/** A row's partners as the entity names them, in id order (as partnersByProject reads them). */
const PARTNER_ROWS = sql<Partner[]>`(select coalesce(json_agg(json_build_object('id', p.id, 'projectId', p.project_id, 'name', p.name, 'country', p.country, 'type', p.type, 'role', p.role, 'municipalityCode', p.municipality_code) order by p.id), '[]') from partner as p where p.project_id = ${eb.ref('project.id')})`;

/**
 * The parents' keys as `k(key)`, with `k.n` the count of each parent's matches when `count`: the
 * count in a subquery of its own, fenced by OFFSET 0 so that it is computed once per key and not
 * once per row of the page joined to it.
 */
function keysWithCount(db: KommunDb, scope: Scope, keys: readonly string[], filter: ProjectFilter | undefined) {
  const where = [scopeCondition(scope), ...filterConditions(filter)];
  return db
    .selectFrom(keyTable(keys))
    .select((q) => ['k.key', q.selectFrom('project').select(sql<number>`count(*)::int`.as('n')).where(eb.and(where)).as('n')])
    .offset(0)
    .as('k');
}

/** The kommun's statements, built once per shape (see StatementCache). */
export const statements = new StatementCache();

/** What decides the text of a page's statement (see pagesQuery). */
interface PagesShape {
  scope: Scope;
  order: ProjectOrder;
  extras: PageExtras;
}
/** The values a page's statement sends as parameters. */
interface PagesValues {
  keys: readonly string[];
  filter: ProjectFilter | undefined;
  after: CursorPosition | null;
  limit: number;
}

function pagesShape(scope: Scope, page: NormalizedPage, extras: PageExtras): PagesShape {
  const { count = false, areas = false, funding = false, partners = false } = extras;
  return { scope, order: { field: page.order.field, direction: page.order.direction }, extras: { count, areas, funding, partners } };
}
function pagesValues(keys: readonly string[], filter: ProjectFilter | undefined, page: NormalizedPage): PagesValues {
  return { keys, filter, after: page.after, limit: page.first + 1 };
}

/**
 * One statement for the pages of every parent in `keys`: a LATERAL subquery per key, each ordered
 * by (sort value, kommunkod, id) and cut at first + 1 to learn whether more follow. The order is
 * the shape of one of the project indexes (see the Initial migration), so each page is an index
 * range scan from the cursor on (plans.db.test.ts checks that). With `extras`, the same statement
 * also counts each parent's matches (then a parent with an empty page still answers one row, its
 * project columns null) and reads each row's development areas, funding lines and partners.
 */
export function pagesQuery(db: KommunDb, scope: Scope, keys: readonly string[], filter: ProjectFilter | undefined, page: NormalizedPage, extras: PageExtras = {}) {
  return buildPages(db, pagesShape(scope, page, extras), pagesValues(keys, filter, page));
}

function buildPages(db: KommunDb, { scope, order, extras }: PagesShape, { keys, filter, after, limit }: PagesValues) {
  const sort = SORT[order.field];
  const dir = order.direction === 'DESC' ? 'desc' : 'asc';
  const where = [scopeCondition(scope), ...filterConditions(filter)];
  if (after) {
    const op = sql.raw(dir === 'desc' ? '<' : '>');
    where.push(
      sql<SqlBool>`(${sort.expr}, ${eb.ref('project.municipality_code')}, ${eb.ref('project.id')}) ${op} (${after.value}::${sql.raw(sort.cast)}, ${after.code}::char(4), ${after.local}::int)`,
    );
  }
  const rows = db
    .selectFrom('project')
    .select(PROJECT_SELECTION)
    .select(sql<string | number>`${sort.value}`.as('sortValue'))
    .$if(!!extras.areas, (q) => q.select(AREA_CODES.as('areaCodes')))
    .$if(!!extras.funding, (q) => q.select(FUNDING_ROWS.as('fundingRows')))
    .$if(!!extras.partners, (q) => q.select(PARTNER_ROWS.as('partnerRows')))
    .where(eb.and(where))
    .orderBy(sort.expr, dir)
    .orderBy('project.municipality_code', dir)
    .orderBy('project.id', dir)
    .limit(limit)
    .as('x');
  if (extras.count) {
    return db
      .selectFrom(keysWithCount(db, scope, keys, filter))
      .leftJoinLateral(rows, (join) => join.onTrue())
      .select(['k.key as scopeKey', 'k.n as totalCount'])
      .selectAll('x');
  }
  return db
    .selectFrom(keyTable(keys))
    .innerJoinLateral(rows, (join) => join.onTrue())
    .select('k.key as scopeKey')
    .selectAll('x');
}

type FusedRow = ProjectRow & { totalCount?: number | null; areaCodes?: string[]; fundingRows?: Funding[]; partnerRows?: Partner[] };

/** The pages of every parent in `keys` (see pagesQuery), by key, with what `extras` asks for. */
export async function loadPages(
  db: KommunDb,
  scope: Scope,
  keys: readonly string[],
  filter: ProjectFilter | undefined,
  page: NormalizedPage,
  extras: PageExtras = {},
): Promise<Map<string, LoadedPage>> {
  const rows = (await statements.execute(db, 'pages', pagesShape(scope, page, extras), pagesValues(keys, filter, page), (shape, values) => buildPages(db, shape, values))) as FusedRow[];
  const out = new Map<string, LoadedPage>(
    keys.map((k) => [
      k,
      { rows: [], hasNextPage: false, areas: extras.areas ? new Map() : undefined, funding: extras.funding ? new Map() : undefined, partners: extras.partners ? new Map() : undefined },
    ]),
  );
  for (const row of rows) {
    const p = out.get(row.scopeKey)!;
    if (extras.count) p.totalCount = row.totalCount ?? 0;
    // The row of a parent whose page is empty, there only for its count.
    if (row.localId == null) continue;
    if (p.rows.length < page.first) {
      if (extras.areas) p.areas!.set(row.localId, row.areaCodes ?? []);
      if (extras.funding) p.funding!.set(row.localId, row.fundingRows ?? []);
      if (extras.partners) p.partners!.set(row.localId, row.partnerRows ?? []);
      p.rows.push(row);
    } else p.hasNextPage = true;
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
  db: KommunDb,
  scope: Scope,
  keys: readonly string[],
  filter: ProjectFilter | undefined,
): Promise<Map<string, number>> {
  const rows = await statements.execute(db, 'counts', scope, { keys, filter }, (scope, { keys, filter }) => {
    const where = [scopeCondition(scope), ...filterConditions(filter)];
    return db
      .selectFrom(keyTable(keys))
      .select((q) => ['k.key', q.selectFrom('project').select(sql<number>`count(*)::int`.as('n')).where(eb.and(where)).as('n')]);
  });
  return new Map(rows.map((r) => [r.key, r.n ?? 0]));
}

/** Projects by local id, one statement. */
export async function loadProjectsById(db: KommunDb, ids: readonly number[]): Promise<Map<number, Project>> {
  const rows: Project[] = await statements.execute(db, 'projectsById', null, { ids }, (_, { ids }) => db.selectFrom('project').select(PROJECT_SELECTION).where('project.id', '=', anyOf(ids, 'int')));
  return new Map(rows.map((r) => [r.localId, r]));
}
