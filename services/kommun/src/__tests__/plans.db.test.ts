import { Kysely, PostgresDialect } from 'kysely';
import type { Pool } from 'pg';
import { poolOf } from '@samverkan/subgraph-kit';
import { createTestDatabase, type TestDatabase } from '@samverkan/testing';
import { connectAndMigrate, createDataSource } from '../data-source';
import { Fund, OrderDirection, ProjectDimension, ProjectOrderField, ProjectStatus } from '../graphql/enums';
import { seedKommun } from '../seed/seeder';
import { generateProjects } from '../seed/synthetic';
import { cursorOf, loadPages, normalizePage, pagesQuery, type PageExtras, type Scope } from '../store/project-query';
import { projectStats } from '../store/stats-query';
import { kommunDb, type KommunTables } from '../store/tables';

/**
 * Each order of a project list is read along the index built in its shape (see the Initial
 * migration): a page after a cursor is an index range scan from the cursor on, not a sort of every
 * match. Checked with EXPLAIN on the statement the list sends, over a seeded, analysed database.
 */
const INDEX: Record<ProjectOrderField, string> = {
  START_DATE: 'project_by_start',
  BUDGET_TOTAL: 'project_by_budget',
  EU_COFINANCING: 'project_by_eu',
  TITLE: 'project_by_title',
  ID: 'project_by_code',
};

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  Plans?: PlanNode[];
}
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

let database: TestDatabase;
let ds: ReturnType<typeof createDataSource>;
beforeAll(async () => {
  database = await createTestDatabase();
  ds = createDataSource({ url: database.url, poolSize: 1 });
  await connectAndMigrate(ds);
  // The seeder analyses what it loaded (no ANALYZE here: the plans below are the ones a freshly seeded kommun gets).
  await seedKommun(ds, { code: '1480', projects: generateProjects('1480', 3000), memberships: [], twinTowns: [] });
});
afterAll(async () => {
  await ds.destroy();
  await database.drop();
});

async function plan(scope: Scope, key: string, field: ProjectOrderField, direction: OrderDirection, extras: PageExtras = {}): Promise<PlanNode[]> {
  const db = kommunDb(ds);
  const orderBy = { field, direction };
  const first = await loadPages(db, scope, [key], undefined, normalizePage({ orderBy, first: 50 }));
  const rows = first.get(key)!.rows;
  expect(rows).toHaveLength(50);
  const page = normalizePage({ orderBy, first: 20, after: cursorOf(rows[49], orderBy) });
  const { sql, parameters } = pagesQuery(db, scope, [key], undefined, page, extras).compile();
  const [{ 'QUERY PLAN': explained }] = await ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, [...parameters]);
  return nodes(explained[0].Plan);
}

describe.each(Object.values(ProjectOrderField))('a page ordered by %s', (field) => {
  it.each(Object.values(OrderDirection))('%s after a cursor scans its index from the cursor, with no sort', async (direction) => {
    const scans = await plan('root', '', field, direction);
    const scan = scans.find((n) => n['Index Name'] === INDEX[field]);
    expect(scan).toBeDefined();
    expect(scan!['Scan Direction']).toBe(direction === 'ASC' ? 'Forward' : 'Backward');
    expect(scans.map((n) => n['Node Type'])).not.toContain('Sort');
  });
});

it('of a development area walks the budget index and probes the area of each project', async () => {
  const scans = await plan('area', 'EU-FUNDS', ProjectOrderField.BUDGET_TOTAL, OrderDirection.DESC);
  expect(scans.find((n) => n['Index Name'] === 'project_by_budget')).toBeDefined();
  expect(scans.map((n) => n['Node Type'])).not.toContain('Sort');
});

describe('read with its count and areas in the same statement', () => {
  it.each(Object.values(ProjectOrderField))('ordered by %s still scans its index from the cursor, with no sort', async (field) => {
    const scans = await plan('root', '', field, OrderDirection.DESC, { count: true, areas: true });
    const scan = scans.find((n) => n['Index Name'] === INDEX[field]);
    expect(scan).toBeDefined();
    expect(scan!['Scan Direction']).toBe('Backward');
    expect(scans.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('counts once per parent, not once per row of its page', async () => {
    const db = kommunDb(ds);
    const page = normalizePage({ orderBy: { field: ProjectOrderField.BUDGET_TOTAL, direction: OrderDirection.DESC }, first: 20 });
    const { sql, parameters } = pagesQuery(db, 'area', ['EU-FUNDS', 'EU-ADVOCACY'], undefined, page, { count: true }).compile();
    const [{ 'QUERY PLAN': explained }] = await ds.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, [...parameters]);
    const aggregates = nodes(explained[0].Plan).filter((n) => n['Node Type'] === 'Aggregate') as Array<PlanNode & { 'Actual Loops': number }>;
    expect(aggregates).toHaveLength(1);
    expect(aggregates[0]['Actual Loops']).toBe(2);
  });
});

describe('a freshly seeded kommun', () => {
  it('has the planner statistics of every table the seed loaded', async () => {
    const rows: Array<{ relname: string }> = await ds.query(
      `SELECT relname FROM pg_stat_user_tables WHERE relname = ANY($1) AND last_analyze IS NULL AND last_autoanalyze IS NULL`,
      [['project', 'funding', 'partner', 'project_area']],
    );
    expect(rows).toEqual([]);
  });

  it('computes the stats statement\'s funding sums once, not once per project', async () => {
    // A query builder on the same pool that keeps the statement it sends.
    let sent: { sql: string; parameters: readonly unknown[] } | undefined;
    const pool = poolOf(ds) as unknown as Pool;
    const spy = new Kysely<KommunTables>({ dialect: new PostgresDialect({ pool: async () => pool }), log: (event) => void (sent = event.query) });
    await projectStats(spy, { status: [ProjectStatus.COMPLETED, ProjectStatus.PLANNED, ProjectStatus.ONGOING], funds: [Fund.ESF] }, [ProjectDimension.START_YEAR, ProjectDimension.STATUS]);
    const [{ 'QUERY PLAN': explained }] = await ds.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sent!.sql}`, [...sent!.parameters]);
    const aggregates = nodes(explained[0].Plan).filter((n) => n['Node Type'] === 'Aggregate') as Array<PlanNode & { 'Actual Loops': number }>;
    expect(aggregates.length).toBeGreaterThan(1);
    for (const a of aggregates) expect(a['Actual Loops']).toBe(1);
  });
});
